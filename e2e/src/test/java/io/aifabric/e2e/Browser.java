package io.aifabric.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium (Debian's {@code chromium} and its {@code chromedriver}; nothing downloaded)
 * driven by Selenium, recording every request it sends and what its console reported, and saving
 * screenshots of what it showed.
 */
final class Browser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHROMIUM = System.getProperty("aifabric.chromium", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("aifabric.chromedriver", "/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path screenshots;
  private final List<String> requests = new ArrayList<>();
  private final List<String> console = new ArrayList<>();

  private Browser(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  static Browser start(Path screenshots) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1400");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build();
    return new Browser(new ChromeDriver(service, options), Files.createDirectories(screenshots));
  }

  void open(String url) {
    driver.get(url);
  }

  /** Saves what the window shows as {@code name}.png. */
  Path screenshot(String name) {
    Path file = screenshots.resolve(name + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Every request the browser sent so far, as "METHOD url". */
  List<String> requests() {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try {
        JsonNode message = JSON.readTree(entry.getMessage()).path("message");
        if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
          JsonNode request = message.path("params").path("request");
          requests.add(request.path("method").asText() + " " + request.path("url").asText());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return requests;
  }

  /** What the page's console reported at level WARNING or above (CSP refusals are errors). */
  List<String> consoleProblems() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
        console.add(entry.getLevel() + " " + entry.getMessage());
      }
    }
    return console;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
