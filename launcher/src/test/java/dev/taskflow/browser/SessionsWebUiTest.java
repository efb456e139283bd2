package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staying signed in and managing the account, in real Chromium: access tokens live {@value #TTL_SECONDS} seconds
 * here, so a test outlives several of them. Two browsers (two profiles: two devices) of one user show that signing
 * out everywhere, a password change and a deletion reach the other device.
 */
@DisplayName("The web UI: sessions and the account")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final int TTL_SECONDS = 4;
  static final String PASSWORD = "correct horse battery";

  Vertx vertx;
  JsonObject config;
  Browser laptop;
  Browser phone;

  @BeforeAll
  void start() {
    config = db.config().put("jwt.ttl.seconds", TTL_SECONDS).put("auth.address.per.minute", 1000);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  /**
   * Each test gets two new browsers, each with a profile of its own: nothing (cookie, storage, a page still renewing
   * every second with the 4 s tokens) is left from another test. Clearing storage and cookies after each test was
   * not enough: a renewal in flight meanwhile saved its session and cookie again, and the next test found the laptop
   * signed in (no #show-register).
   */
  @BeforeEach
  void newBrowsers() {
    laptop = new Browser(baseUrl(), 1280, 900);
    phone = new Browser(baseUrl(), 1280, 900);
  }

  @AfterEach
  void closeBrowsers() {
    for (Browser browser : new Browser[]{laptop, phone}) {
      if (browser != null) {
        browser.close();
      }
    }
    laptop = null;
    phone = null;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + config.getInteger("http.port");
  }

  static void waitLive(Browser browser) {
    browser.waitUntil("the live indicator to say live",
      "return document.getElementById('live').dataset.state === 'live'");
  }

  static void waitSignedOut(Browser browser) {
    browser.waitUntil("the login screen", "return !document.getElementById('auth').hidden"
      + " && document.getElementById('shell').hidden");
  }

  static String token(Browser browser) {
    return new JsonObject((String) browser.js("return localStorage.getItem('taskflow.session')")).getString("token");
  }

  String register(Browser browser) {
    String email = "u-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    browser.open("/");
    browser.waitFor("#show-register").click();
    browser.waitFor("#register-name").sendKeys("Grace");
    browser.find("#register-email").sendKeys(email);
    browser.find("#register-password").sendKeys(PASSWORD);
    browser.find("#register-form button[type=submit]").click();
    waitLive(browser);
    return email;
  }

  static void logIn(Browser browser, String email, String password) {
    browser.open("/");
    browser.waitFor("#login-email").sendKeys(email);
    browser.find("#login-password").sendKeys(password);
    browser.find("#login-password").sendKeys(Keys.ENTER);
    waitLive(browser);
  }

  static void openAccount(Browser browser) {
    browser.find("#who").click();
    browser.waitFor("#account-logout-all");
    browser.waitUntil("the sessions list", "return document.querySelectorAll('#account-sessions li').length > 0");
  }

  /** Opens the editor for a new task and types into it, as someone in the middle of writing. */
  static void startTyping(Browser browser, String title, String notes) {
    browser.find("#new-task").click();
    browser.waitFor("#f-title").sendKeys(title);
    browser.find("#f-description").sendKeys(notes);
  }

  static void assertDraft(Browser browser, String title, String notes) {
    browser.waitUntil("the editor open with the draft", "return document.getElementById('editor').open"
      + " && document.getElementById('f-title').value === arguments[0]"
      + " && document.getElementById('f-description').value === arguments[1]", title, notes);
  }

  @Test
  @DisplayName("stays signed in past several access-token lifetimes, and the editor keeps what was typed")
  void staySignedIn() throws Exception {
    register(laptop);
    String firstToken = token(laptop);
    startTyping(laptop, "Write the report", "first paragraph");

    Thread.sleep((3 * TTL_SECONDS + 6) * 1000L); // three lifetimes and the server's 5 s leeway

    assertThat(laptop.js("return document.getElementById('shell').hidden")).isEqualTo(false);
    assertDraft(laptop, "Write the report", "first paragraph");
    assertThat(token(laptop)).as("the access token was renewed").isNotEqualTo(firstToken);
    laptop.find("#f-description").sendKeys(", second");
    laptop.find("#f-save").click();
    laptop.waitUntil("the saved task in the list", "return Array.from(document.querySelectorAll('#task-list "
      + ".task-title')).some(t => t.textContent === 'Write the report')");
    waitLive(laptop);
  }

  @Test
  @DisplayName("after a while with no tab open, the page renews the expired token from the cookie instead of asking")
  void renewsOnReturn() throws Exception {
    register(laptop);
    laptop.driver.get("about:blank");
    Thread.sleep((TTL_SECONDS + 6) * 1000L);
    laptop.open("/");
    waitLive(laptop);
  }

  @Test
  @DisplayName("a request answered 401 for an expired token renews it and is sent again, once, without the user noticing")
  void renewsOnUnauthorized() throws Exception {
    register(laptop);
    String expired = token(laptop);
    Thread.sleep((TTL_SECONDS + 6) * 1000L); // past its expiry and the server's leeway
    // the page believes in the old token (as a tab whose timers were held back would): no timer renews it first
    laptop.js("const s = JSON.parse(localStorage.getItem('taskflow.session'));"
      + " s.token = arguments[0]; s.expiresAt = new Date(Date.now() + 3600000).toISOString(); s.issuedAt = Date.now();"
      + " localStorage.setItem('taskflow.session', JSON.stringify(s));", expired);

    laptop.find("#quick-title").sendKeys("Sent twice, made once", Keys.ENTER);

    laptop.waitUntil("the task in the list", "return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".filter(t => t.textContent === 'Sent twice, made once').length === 1");
    assertThat(token(laptop)).isNotEqualTo(expired);
    assertThat(laptop.js("return document.getElementById('shell').hidden")).isEqualTo(false);
  }

  @Test
  @DisplayName("log out everywhere signs out the other device; its draft is back after it signs in again")
  void logOutEverywhere() {
    String email = register(laptop);
    logIn(phone, email, PASSWORD);
    startTyping(phone, "Buy milk", "semi-skimmed");

    openAccount(laptop);
    assertThat(laptop.findAll("#account-sessions li")).hasSize(2);
    laptop.find("#account-logout-all").click();

    waitSignedOut(laptop);
    waitSignedOut(phone);
    logIn(phone, email, PASSWORD);
    assertDraft(phone, "Buy milk", "semi-skimmed");
  }

  @Test
  @DisplayName("a password change signs out the other device and keeps this one signed in")
  void passwordChange() {
    String email = register(laptop);
    logIn(phone, email, PASSWORD);

    openAccount(laptop);
    laptop.find("#a-current").sendKeys(PASSWORD);
    laptop.find("#a-new").sendKeys("a brand new password");
    laptop.find("#account-password-form button[type=submit]").click();
    laptop.waitUntil("the change confirmed", "return document.getElementById('account-password-msg').textContent"
      + ".startsWith('Password changed')");

    waitSignedOut(phone);
    laptop.waitUntil("only this device left", "return document.querySelectorAll('#account-sessions li').length === 1");
    laptop.find("#account [data-close]").click();
    waitLive(laptop);
    assertThat(laptop.js("return document.getElementById('shell').hidden")).isEqualTo(false);
    logIn(phone, email, "a brand new password");
  }

  @Test
  @DisplayName("deleting the account needs the password and a confirmation, then signs out every device for good")
  void deleteAccount() {
    String email = register(laptop);
    logIn(phone, email, PASSWORD);

    openAccount(laptop);
    laptop.find("#a-delete-password").sendKeys("not the password");
    laptop.find("#account-delete").click();
    laptop.waitFor("#confirm-ok").click();
    laptop.waitUntil("the refusal", "return document.getElementById('account-delete-msg').textContent"
      + ".includes('current password is wrong')");
    laptop.find("#a-delete-password").sendKeys(Keys.chord(Keys.CONTROL, "a"), PASSWORD);
    laptop.find("#account-delete").click();
    laptop.waitFor("#confirm-ok").click();

    waitSignedOut(laptop);
    assertThat(laptop.find("#login-error").getText()).contains("deleted");
    waitSignedOut(phone);
    laptop.find("#login-email").sendKeys(email);
    laptop.find("#login-password").sendKeys(PASSWORD, Keys.ENTER);
    laptop.waitUntil("the login refused", "return document.getElementById('login-error').textContent"
      + ".includes('wrong')");
  }
}
