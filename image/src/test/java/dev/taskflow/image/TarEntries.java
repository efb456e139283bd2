package dev.taskflow.image;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Reads a tar stream (ustar, GNU long names and pax paths, gzip-compressed or not) one entry at a time, enough for
 * the image's archive and its layers. The stream given to the visitor is the entry's content and must not be closed.
 */
final class TarEntries {

  private static final int BLOCK = 512;

  /** One entry's header: its path (without a leading {@code ./}), tar type flag, size, permission bits and owner. */
  record Entry(String name, char type, long size, int mode, long uid) {
  }

  /** Called for every entry; return false to stop reading. */
  interface Visitor {
    boolean visit(Entry entry, InputStream content) throws IOException;
  }

  private TarEntries() {
  }

  static void read(InputStream raw, Visitor visitor) throws IOException {
    InputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    if (gzip) {
      in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    byte[] header = new byte[BLOCK];
    String longName = null;
    while (true) {
      if (!readBlock(in, header) || isZero(header)) {
        return;
      }
      String name = text(header, 0, 100);
      String prefix = text(header, 345, 155);
      if (!prefix.isEmpty() && "ustar".equals(text(header, 257, 5))) {
        name = prefix + "/" + name;
      }
      char type = header[156] == 0 ? '0' : (char) header[156];
      long size = octal(header, 124, 12);
      if (type == 'L' || type == 'x') {
        String value = new String(readAll(in, size), StandardCharsets.UTF_8);
        skipPadding(in, size);
        longName = type == 'L' ? value.replace("\0", "") : paxPath(value, longName);
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      Bounded content = new Bounded(in, size);
      Entry entry = new Entry(name.startsWith("./") ? name.substring(2) : name, type, size,
        (int) octal(header, 100, 8) & 07777, octal(header, 108, 8));
      boolean more = visitor.visit(entry, content);
      if (!more) {
        return;
      }
      content.skipRest();
      skipPadding(in, size);
    }
  }

  private static String paxPath(String records, String current) {
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return current;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new EOFException("tar header cut short");
    }
    return true;
  }

  private static byte[] readAll(InputStream in, long size) throws IOException {
    byte[] bytes = in.readNBytes((int) size);
    if (bytes.length < size) {
      throw new EOFException("tar entry cut short");
    }
    return bytes;
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    long padding = (BLOCK - size % BLOCK) % BLOCK;
    in.skipNBytes(padding);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length) {
    if ((header[offset] & 0x80) != 0) { // GNU base-256 for large sizes
      long value = 0;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    String digits = text(header, offset, length).trim();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }

  /** An entry's content: at most its size, the rest skipped before the next header. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long size) {
      super(in);
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read > 0) {
        left -= read;
      }
      return read;
    }

    @Override
    public void close() {
      // the tar stream stays open for the next entry
    }

    void skipRest() throws IOException {
      in.skipNBytes(left);
      left = 0;
    }
  }

  static byte[] bytes(InputStream content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.transferTo(out);
    return out.toByteArray();
  }
}
