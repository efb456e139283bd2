package dev.taskflow.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One headless Chromium (Debian's, through its own chromedriver) with a fresh profile, so its tabs share one
 * localStorage and nothing else. Timers of background tabs are not throttled: a tab that is not in front still
 * applies live changes as they come, as a real one does (just not its rendering, which tests do not look at).
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String CHROMIUM = "/usr/bin/chromium";

  final ChromeDriver driver;
  private final Path profile;
  private final String baseUrl;

  Browser(String baseUrl, int width, int height) {
    this.baseUrl = baseUrl;
    try {
      profile = Files.createTempDirectory("taskflow-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    if (new File(CHROMIUM).canExecute()) {
      options.setBinary(CHROMIUM);
    }
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows", "--force-device-scale-factor=1", "--lang=en-GB",
      "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  void open(String path) {
    driver.get(baseUrl + path);
  }

  /** Opens a second tab of this browser (same profile, so the same login) and stays in it. */
  String newTab(String path) {
    driver.switchTo().newWindow(WindowType.TAB);
    open(path);
    return driver.getWindowHandle();
  }

  String tab() {
    return driver.getWindowHandle();
  }

  void switchTo(String tab) {
    driver.switchTo().window(tab);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /**
   * Waits (up to 15 s) for a condition on the page. An element the page replaced while the condition read it (a list
   * rendered again) is no answer yet, so the condition is asked again.
   */
  <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(25))
      .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
      .withMessage(() -> what + "; the page's console said:\n" + console())
      .until(condition);
  }

  /** Waits for an element matching css and returns it. */
  WebElement waitFor(String css) {
    return waitFor("an element " + css, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  /** True when the script returns true, within 15 s. */
  void waitUntil(String what, String script, Object... args) {
    waitFor(what, d -> Boolean.TRUE.equals(js(script, args)) ? Boolean.TRUE : null);
  }

  /** The browser's console since the last call, for a failure's message. */
  String console() {
    StringBuilder text = new StringBuilder();
    driver.manage().logs().get("browser").forEach(entry -> text.append(entry.getLevel()).append(' ')
      .append(entry.getMessage()).append('\n'));
    return text.toString();
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Writes target/screenshots/name.png. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind
      }
    }
  }
}
