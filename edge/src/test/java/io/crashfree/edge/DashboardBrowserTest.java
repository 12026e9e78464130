package io.crashfree.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentry.Sentry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver, driven by Selenium), against a real
 * node fed by the real Sentry Java SDK (and, for a crash three days ago, an envelope as the SDK sends it), with
 * commits and a deploy recorded through the releases API: the index shows exactly the API's numbers for every row,
 * the range, sort, search, project filter and paging change them as the API does, the details page draws its charts
 * and tables, a refused token or an ingest key shows the sign-in message, and the browser logs no error. It takes the
 * README's screenshots (docs/dashboard-index.png, docs/dashboard-release.png).
 * <p>
 * Skipped, saying so, only where chromium cannot be installed ({@code bin/install-browser}).
 */
@Timeout(300)
class DashboardBrowserTest
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** A read token of query.tokens: the sessions API, the release list and the registry's reads all answer it. */
    private static final String TOKEN = "dashboard-browser-read-token";
    private static final String WRITE_TOKEN = "dashboard-browser-ci-token";
    private static final String ORG = "/api/0/organizations/crashfree";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profileDir;
    private static CrashfreeNode node;
    private static UpstreamServer upstream;
    private static ChromeDriver driver;
    private static String base;

    @BeforeAll
    static void start() throws Exception
    {
        final Path root = repositoryRoot();
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER))
        {
            // the project's own script; it needs root and apt-get
            new ProcessBuilder(root.resolve("bin/install-browser").toString()).inheritIO().start().waitFor();
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
            "chromium and chromedriver are not installed and bin/install-browser could not install them " +
                "(apt-get install chromium chromium-driver needs root): the dashboard's browser test is skipped");

        upstream = UpstreamServer.start(); // the error tracker behind the node: events go there, grouped on the way
        node = TestNodes.startAggregating(dataDir, Map.of(
            "project.42.upstream.dsn", upstream.dsn("f00dfeedf00dfeedf00dfeedf00dfeed", 9),
            "query.tokens", TOKEN,
            "auth.token.ci.value", WRITE_TOKEN, "auth.token.ci.scopes", "project:releases",
            // a crash three days ago still counts, so that the 24 h and 7 d views differ
            "validation.started.max.age.seconds", String.valueOf(7 * 86_400)));
        base = "http://127.0.0.1:" + node.port();
        feed();

        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profileDir, "--window-size=1400,1000");
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop()
    {
        if (driver != null)
        {
            driver.quit();
        }
        if (node != null)
        {
            node.close();
        }
        if (upstream != null)
        {
            upstream.close();
        }
    }

    @Test
    void shouldShowTheApisNumbersFollowEveryControlAndDrawTheReleasePage() throws Exception
    {
        freshPage();
        driver.get(base + "/#token=" + TOKEN);
        waitForRows();
        assertFalse(driver.getCurrentUrl().contains("token"), "the token leaves the address bar: " +
            driver.getCurrentUrl());
        assertEquals(TOKEN, js("return localStorage.getItem('crashfree.readToken')"));
        assertTrue(driver.findElement(By.id("union-note")).getText().contains("crashed on any day"),
            "the union semantics are explained beside the range");

        // 24 h: every row is the API's
        final Map<String, String> day = assertPageEqualsApi();
        assertEquals(4, day.size(), "four releases, one row each: " + day);
        screenshot("dashboard-index.png");
        recordPaintTimes();

        // 7 d: the crash three days ago lowers shop@1.0.0's crash-free users, as the API says
        new Select(driver.findElement(By.id("f-range"))).selectByValue("7d");
        waitForApi(api -> api.contains("summaryStatsPeriod=7d"));
        assertTrue(driver.getCurrentUrl().contains("statsPeriod=7d"), driver.getCurrentUrl());
        final Map<String, String> week = assertPageEqualsApi();
        assertNotEquals(day.get("shop@1.0.0/42"), week.get("shop@1.0.0/42"), "the range changes the numbers");

        // sort by sessions
        new Select(driver.findElement(By.id("f-sort"))).selectByValue("sessions");
        waitForApi(api -> api.contains("sort=sessions"));
        assertTrue(driver.getCurrentUrl().contains("sort=sessions"), driver.getCurrentUrl());
        assertPageEqualsApi();
        // a column header sorts too, and says so
        driver.findElement(By.cssSelector("th[data-sort='crash_free_users'] button")).click();
        waitForApi(api -> api.contains("sort=crash_free_users"));
        assertEquals("descending", driver.findElement(By.cssSelector("th[data-sort='crash_free_users']"))
            .getAttribute("aria-sort"));
        assertPageEqualsApi();

        // search by version
        final WebElement search = driver.findElement(By.id("f-query"));
        search.sendKeys("1.0");
        waitForApi(api -> api.contains("query=1.0"));
        assertTrue(driver.getCurrentUrl().contains("query=1.0"), driver.getCurrentUrl());
        assertPageEqualsApi();
        search.clear();
        search.sendKeys("\n");
        waitForApi(api -> !api.contains("query="));

        // one project
        new Select(driver.findElement(By.id("f-project"))).selectByValue("7");
        waitForApi(api -> api.contains("project=7"));
        final Map<String, String> other = assertPageEqualsApi();
        assertEquals(List.of("admin@3.1.0/7"), new ArrayList<>(other.keySet()));

        // paging: two rows a page, following the API's Link header
        driver.get(base + "/?per_page=2");
        waitForRows();
        final List<String> seen = new ArrayList<>(assertPageEqualsApi().keySet());
        while (driver.findElement(By.id("page-next")).isEnabled())
        {
            final String before = apiUrl();
            driver.findElement(By.id("page-next")).click();
            waitForApi(api -> !api.equals(before) && api.contains("cursor="));
            assertTrue(driver.getCurrentUrl().contains("cursor="), driver.getCurrentUrl());
            seen.addAll(assertPageEqualsApi().keySet());
        }
        assertEquals(4, seen.size(), "every release once over the pages: " + seen);

        // details
        driver.manage().window().setSize(new Dimension(1400, 2000));
        driver.get(base + "/");
        waitForRows();
        driver.findElement(By.cssSelector("tr[data-version='shop@2.0.0'][data-project='42'] a.version")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("/releases/") &&
            d.findElement(By.id("details")).isDisplayed() &&
            d.findElements(By.cssSelector("#deploys tbody tr")).size() == 1);
        assertEquals("shop@2.0.0", driver.findElement(By.id("release-title")).getText());
        final Object painted = js("return [...document.querySelectorAll('.chart canvas')].map(c => {" +
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" +
            " for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; })");
        assertEquals(List.of(true, true, true, true), painted, "four charts, each drawn");
        assertEquals(6, driver.findElements(By.cssSelector("#comparison tbody tr")).size());
        assertEquals("Fix the checkout crash",
            driver.findElement(By.cssSelector("#commits tbody tr td:nth-child(2)")).getText());
        assertTrue(driver.findElements(By.cssSelector("#files tbody tr td:first-child")).stream()
            .anyMatch(td -> td.getText().equals("src/Checkout.java")));
        // its new issue, as the issues API lists it, with the commit that touched the code in its frames
        final JsonNode newIssues = get(ORG + "/issues/?project=42&query=firstRelease:%22shop@2.0.0%22");
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
            d.findElements(By.cssSelector("#new-issues tbody tr")).size() == newIssues.size());
        assertEquals(1, newIssues.size(), newIssues.toString());
        assertEquals(newIssues.get(0).get("shortId").asText(),
            driver.findElement(By.cssSelector("#new-issues tbody tr td")).getText());
        assertTrue(driver.findElement(By.cssSelector("#new-issues tbody tr td:nth-child(5)")).getText()
            .startsWith("4c1f0e2d9a8b Fix the checkout crash"), "the suspect commit");
        assertEquals("No regressions in this release.", driver.findElement(By.id("regressions-status")).getText());
        assertEquals("production", driver.findElement(By.cssSelector("#deploys tbody tr td")).getText());
        assertTrue(driver.findElement(By.id("authors")).getText().contains("Ada Lovelace"));
        assertComparisonIsTheSessionsApis();
        screenshot("dashboard-release.png");

        // a phone: nothing overflows the viewport sideways
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.get(base + "/");
        waitForRows();
        assertEquals(List.of(), js("return [...document.querySelectorAll('body *')].filter(e => " +
            "!e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)" +
            ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"),
            "nothing but the table (which scrolls in its frame) is wider than a phone");
        assertEquals(Boolean.TRUE, js("return document.documentElement.scrollWidth <= window.innerWidth + 1"));
        driver.manage().window().setSize(new Dimension(1400, 1000));

        assertEquals(List.of(), severe(false), "no errors in the browser's log");
    }

    @Test
    void shouldAskToSignInWhenTheTokenIsRefused()
    {
        freshPage();
        for (final String[] row : new String[][] { { "not-a-token-of-this-node", "401" }, { TestNodes.KEY_42, "403" } })
        {
            driver.get(base + "/#token=" + row[0]);
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElement(By.id("signin")).isDisplayed());
            final String message = driver.findElement(By.id("signin-message")).getText();
            assertTrue(message.contains("refused this token (" + row[1]), message);
            assertFalse(driver.findElement(By.id("content")).isDisplayed());
            driver.findElement(By.id("signin-token")).sendKeys(TOKEN + "\n");
            waitForRows();
        }
        driver.findElement(By.id("sign-out")).click();
        assertTrue(driver.findElement(By.id("signin")).isDisplayed());
        assertEquals(null, js("return localStorage.getItem('crashfree.readToken')"));
        assertEquals(List.of(), severe(true), "only the refused requests are logged");
    }

    // ---------------------------------------------------------------- the page against the API

    /**
     * Compares every row of the index with the API answer the page shows (the URL the table names): the same releases
     * and projects in the same order, and the same numbers.
     *
     * @return release/project to its crash-free users text, in the page's order.
     */
    private static Map<String, String> assertPageEqualsApi() throws Exception
    {
        final String api = apiUrl();
        assertTrue(api.startsWith(ORG + "/releases/?") && api.contains("health=1"), api);
        final JsonNode releases = get(api);
        final String project = queryParam(api, "project");
        final List<WebElement> rows = driver.findElements(By.cssSelector("#releases tbody tr"));
        final Map<String, String> shown = new java.util.LinkedHashMap<>();
        int i = 0;
        for (final JsonNode release : releases)
        {
            for (final JsonNode p : release.get("projects"))
            {
                if (project != null && !project.equals(p.get("id").asText()))
                {
                    continue;
                }
                final String key = release.get("version").asText() + "/" + p.get("id").asText();
                assertTrue(i < rows.size(), "the page lacks " + key);
                final WebElement row = rows.get(i++);
                assertEquals(key, row.getAttribute("data-version") + "/" + row.getAttribute("data-project"));
                final JsonNode h = p.get("healthData");
                assertEquals(release.get("version").asText(),
                    row.findElement(By.cssSelector("a.version")).getAttribute("title"));
                assertEquals(p.get("slug").asText(), cell(row, "c-project").getAttribute("textContent"));
                assertRate(h.get("crashFreeUsers"), cell(row, "c-cfu"), key);
                assertRate(h.get("crashFreeSessions"), cell(row, "c-cfs"), key);
                assertEquals(count(h.get("totalSessions").asLong()), cell(row, "c-sessions").getText(), key);
                assertEquals(count(h.get("totalUsers").asLong()), cell(row, "c-users").getText(), key);
                final WebElement adoption = cell(row, "c-adoption");
                assertEquals(percent(h.get("adoption")) + " users",
                    adoption.findElement(By.className("adoption-text")).getText(), key);
                assertEquals(percent(h.get("sessionsAdoption")) + " sessions",
                    adoption.findElement(By.className("sub")).getText(), key);
                shown.put(key, cell(row, "c-cfu").getText());
            }
        }
        assertEquals(i, rows.size(), "rows beyond the API's answer");
        return shown;
    }

    private static void assertRate(final JsonNode value, final WebElement cell, final String key)
    {
        assertEquals(percent(value), cell.getText(), key);
        final double threshold = Double.parseDouble(cell.getAttribute("data-threshold"));
        if (!value.isNull())
        {
            assertEquals(value.asDouble(), Double.parseDouble(cell.getAttribute("data-value")), 0.0, key);
            assertTrue(cell.getAttribute("class").contains(value.asDouble() >= threshold ? "good" : "bad"),
                key + " coloured against " + threshold + ": " + cell.getAttribute("class"));
        }
    }

    /** The details page's "this release" and "project" columns are the sessions API's totals over the range. */
    private static void assertComparisonIsTheSessionsApis() throws Exception
    {
        final String range = "project=42&statsPeriod=24h&interval=1h";
        final JsonNode mine = get(ORG + "/sessions/?field=crash_free_rate(session)&field=sum(session)&" +
            "field=count_unique(user)&query=release:%22shop@2.0.0%22&" + range).get("groups").get(0).get("totals");
        final JsonNode project = get(ORG + "/sessions/?field=sum(session)&" + range).get("groups").get(0)
            .get("totals");
        final WebElement sessions = driver.findElement(By.cssSelector("#comparison tr[data-metric='sessions']"));
        assertEquals(count(mine.get("sum(session)").asLong()), sessions.findElement(By.cssSelector("td")).getText());
        assertEquals(count(project.get("sum(session)").asLong()),
            sessions.findElement(By.cssSelector("td:nth-of-type(4)")).getText());
        final WebElement rate = driver.findElement(By.cssSelector("#comparison tr[data-metric='crashFreeSessions']"));
        assertEquals(percent(JSON.getNodeFactory().numberNode(mine.get("crash_free_rate(session)").asDouble() * 100)),
            rate.findElement(By.cssSelector("td")).getText());
    }

    /** Formats as the page does: two decimals, rounded half up on the exact value (JavaScript's toFixed). */
    private static String percent(final JsonNode value)
    {
        if (value == null || value.isNull())
        {
            return "—";
        }
        final double v = value.asDouble();
        return v == 100 ? "100%" : new BigDecimal(v).setScale(2, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    private static String count(final long n)
    {
        return String.format(Locale.US, "%,d", n);
    }

    private static WebElement cell(final WebElement row, final String className)
    {
        return row.findElement(By.className(className));
    }

    private static String apiUrl()
    {
        return driver.findElement(By.id("releases")).getAttribute("data-api");
    }

    private static String queryParam(final String url, final String name)
    {
        for (final String pair : url.substring(url.indexOf('?') + 1).split("&"))
        {
            if (pair.startsWith(name + "="))
            {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Measures, not asserts (the machine is shared): five fresh loads of the index, first contentful paint and the
     * page's own mark when its rows are in, from navigation start; medians to stdout and target/dashboard-paint.txt.
     */
    private static void recordPaintTimes() throws Exception
    {
        final List<Double> paint = new ArrayList<>();
        final List<Double> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            driver.get("about:blank");
            driver.get(base + "/");
            waitForRows();
            paint.add(((Number)js("return performance.getEntriesByName('first-contentful-paint')[0].startTime"))
                .doubleValue());
            rows.add(((Number)js("return performance.getEntriesByName('releases-rendered')[0].startTime"))
                .doubleValue());
        }
        paint.sort(null);
        rows.sort(null);
        final String line = String.format(java.util.Locale.ROOT,
            "dashboard index, 5 fresh loads: first contentful paint median %.0f ms (min %.0f, max %.0f); " +
            "releases rendered median %.0f ms (min %.0f, max %.0f)%n", paint.get(2), paint.get(0), paint.get(4),
            rows.get(2), rows.get(0), rows.get(4));
        System.out.print(line);
        Files.writeString(repositoryRoot().resolve("edge/target/dashboard-paint.txt"), line);
    }

    private static void waitForRows()
    {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
            d.findElement(By.id("content")).isDisplayed() &&
            !d.findElements(By.cssSelector("#releases tbody tr")).isEmpty() &&
            "false".equals(d.findElement(By.id("releases")).getAttribute("aria-busy")));
    }

    private static void waitForApi(final Function<String, Boolean> condition)
    {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
        {
            final String api = d.findElement(By.id("releases")).getAttribute("data-api");
            return api != null && condition.apply(api) &&
                "false".equals(d.findElement(By.id("releases")).getAttribute("aria-busy"));
        });
    }

    /** Each test starts on a blank page with the log of the one before it discarded (each checks its own). */
    private static void freshPage()
    {
        driver.get("about:blank");
        driver.manage().logs().get(LogType.BROWSER);
    }

    private static Object js(final String script)
    {
        return ((JavascriptExecutor)driver).executeScript(script);
    }

    /** The browser log's errors since the last call; refused requests (401, 403) left out when expected. */
    private static List<String> severe(final boolean refusalsExpected)
    {
        final List<String> errors = new ArrayList<>();
        for (final LogEntry entry : driver.manage().logs().get(LogType.BROWSER))
        {
            final String message = entry.getMessage();
            final boolean refusal = message.contains("status of 401") || message.contains("status of 403");
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !(refusalsExpected && refusal))
            {
                errors.add(message);
            }
        }
        return errors;
    }

    private static void screenshot(final String name) throws Exception
    {
        final Path docs = repositoryRoot().resolve("docs");
        Files.createDirectories(docs);
        Files.write(docs.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }

    private static Path repositoryRoot()
    {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bin/crashfree")))
        {
            root = root.getParent();
        }
        return root;
    }

    // ---------------------------------------------------------------- data: the real SDK and the releases API

    private static void feed() throws Exception
    {
        final String shop = "http://" + TestNodes.KEY_42 + "@127.0.0.1:" + node.port() + "/42";
        final String admin = "http://" + TestNodes.KEY_7 + "@127.0.0.1:" + node.port() + "/7";
        SdkSessions.session(shop, "shop@1.0.0", "production", "alice", null);
        SdkSessions.session(shop, "shop@1.0.0", "production", "bob", null);
        SdkSessions.session(shop, "shop@1.1.0", "production", "carol", SdkSessions::crash);
        SdkSessions.session(shop, "shop@1.1.0", "staging", "dave", SdkSessions::handled);
        SdkSessions.session(shop, "shop@1.1.0", "production", "erin", null);
        SdkSessions.session(shop, "shop@2.0.0", "production", "alice", null);
        SdkSessions.session(shop, "shop@2.0.0", "production", "frank", DashboardBrowserTest::checkoutFailed);
        SdkSessions.session(shop, "shop@2.0.0", "production", "grace", null);
        SdkSessions.session(shop, "shop@2.0.0", "production", "heidi", null);
        SdkSessions.session(admin, "admin@3.1.0", "production", "ivan", SdkSessions::crash);
        SdkSessions.session(admin, "admin@3.1.0", "production", "judy", null);

        // a crash of shop@1.0.0 three days ago: in the 7 d view, not in the 24 h one
        final String started = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        final String envelope = "{}\n{\"type\":\"session\"}\n{\"sid\":\"old-crash-1\",\"did\":\"mallory\",\"init\":true," +
            "\"status\":\"crashed\",\"errors\":1,\"started\":\"" + started + "\",\"duration\":42," +
            "\"attrs\":{\"release\":\"shop@1.0.0\",\"environment\":\"production\"}}\n";
        final HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/42/envelope/?sentry_key=" +
            TestNodes.KEY_42)).POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());

        // the release's commits and a deploy, as sentry-cli records them
        final int created = send("POST", ORG + "/releases/", "{\"version\":\"shop@2.0.0\",\"projects\":[\"captures\"]}");
        assertTrue(created == 201 || created == 208, "releases new: " + created);
        assertEquals(200, send("PUT", ORG + "/releases/shop@2.0.0/", "{\"commits\":[{\"id\":\"" +
            "4c1f0e2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d\",\"repository\":\"acme/shop\",\"message\":\"Fix the checkout " +
            "crash\\n\\nNull cart on resume.\",\"author_name\":\"Ada Lovelace\",\"author_email\":\"ada@example.com\"," +
            "\"timestamp\":\"" + Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"," +
            "\"patch_set\":[{\"path\":\"src/Checkout.java\",\"type\":\"M\"},{\"path\":" +
            "\"edge/src/test/java/io/crashfree/edge/DashboardBrowserTest.java\",\"type\":\"M\"}]}]}"));
        assertEquals(201, send("POST", ORG + "/releases/shop@2.0.0/deploys/", "{\"environment\":\"production\"," +
            "\"name\":\"deploy 42\",\"url\":\"https://ci.example.com/42\"}"));
        // frank's error is a new issue of shop@2.0.0, grouped on its way upstream
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (get(ORG + "/issues/?project=42&query=firstRelease:shop@2.0.0").size() == 0 &&
            System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
    }

    private static int send(final String method, final String path, final String body) throws Exception
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + WRITE_TOKEN).header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static JsonNode get(final String path) throws Exception
    {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static void checkoutFailed()
    {
        Sentry.captureException(new IllegalArgumentException("the cart is empty"));
    }

}
