package dev.taskflow.bench;

/**
 * The outbox contract under load: every create the harness saw succeed wrote one task and one event, and the user's
 * sequence grew by exactly as much. {@code outbox (user_id, sequence)} is unique, so equal counts and maximum mean
 * the sequence has neither gap nor duplicate. Compared as growth during the run, so a user with history works too.
 */
record OutboxCheck(UserCounts before, UserCounts after, long created) {

  boolean holds() {
    UserCounts grown = after.minus(before);
    return grown.tasks() == created && grown.outbox() == created && grown.maxSequence() == created
      && grown.eventSeq() == created;
  }

  String describe() {
    UserCounts grown = after.minus(before);
    String line = "tasks %d = outbox rows %d = max(sequence) %d = users.event_seq %d = creates answered OK %d"
      .formatted(grown.tasks(), grown.outbox(), grown.maxSequence(), grown.eventSeq(), created);
    if (before.tasks() != 0 || before.outbox() != 0 || before.eventSeq() != 0) {
      line += "  (growth during the run; before it: tasks %d, outbox %d, max(sequence) %d, event_seq %d)"
        .formatted(before.tasks(), before.outbox(), before.maxSequence(), before.eventSeq());
    }
    return line;
  }
}
