package io.crashfree.loadgen;

import io.crashfree.loadgen.workload.SdkStyle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One request per project and SDK before the load: an envelope with no items ({@code {}} and a newline), authorized
 * as that SDK authorizes. It changes nothing on the node and turns the common mistakes into clear errors before any load is
 * sent: nothing listening, a wrong address, a key the node does not know, something that is not an ingest endpoint.
 */
final class Preflight
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Preflight()
    {
    }

    /**
     * @param options the run's options.
     * @throws LoadgenException when the node cannot take the run's requests.
     * @throws InterruptedException if interrupted.
     */
    static void check(final LoadgenOptions options) throws LoadgenException, InterruptedException
    {
        for (final Target t : options.targets())
        {
            for (final SdkStyle style : SdkStyle.values())
            {
                if (options.workload().uses(style))
                {
                    check(t, style);
                }
            }
        }
    }

    private static void check(final Target t, final SdkStyle style) throws LoadgenException, InterruptedException
    {
        final String client = style.sdkName() + "/" + style.sdkVersion();
        String url = t.baseUrl() + "/api/" + t.projectId() + "/envelope/";
        final HttpRequest.Builder request = HttpRequest.newBuilder().timeout(TIMEOUT)
            .header("Content-Type", "application/x-sentry-envelope")
            .POST(HttpRequest.BodyPublishers.ofString("{}\n", StandardCharsets.UTF_8));
        if (style == SdkStyle.JAVA)
        {
            request.header("X-Sentry-Auth", "Sentry sentry_version=7,sentry_client=" + client + ",sentry_key=" +
                t.publicKey());
        }
        else
        {
            url += "?sentry_version=7&sentry_key=" + t.publicKey() + "&sentry_client=" + client.replace("/", "%2F");
        }
        request.uri(URI.create(url));
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
            .build();
        final HttpResponse<String> response;
        try
        {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (final ConnectException ex)
        {
            throw new LoadgenException(LoadgenException.CONNECTION, "cannot connect to " + t.baseUrl() +
                ": connection refused; is a node running there? (bin/crashfree run prints its address and DSN)");
        }
        catch (final HttpConnectTimeoutException ex)
        {
            throw new LoadgenException(LoadgenException.CONNECTION, "cannot connect to " + t.baseUrl() +
                ": no answer to the connection attempt within " + TIMEOUT.toSeconds() + " s");
        }
        catch (final HttpTimeoutException ex)
        {
            throw new LoadgenException(LoadgenException.CONNECTION, t.baseUrl() + " accepted the connection but did " +
                "not answer a request within " + TIMEOUT.toSeconds() + " s");
        }
        catch (final IOException ex)
        {
            throw new LoadgenException(LoadgenException.CONNECTION, "cannot talk HTTP to " + t.baseUrl() + ": " + ex);
        }
        final int status = response.statusCode();
        final String detail = response.body() == null ? "" : response.body().trim();
        if (status == 401 || status == 403)
        {
            throw new LoadgenException(LoadgenException.REJECTED, "the node rejected the key " + t.publicKey() +
                " for project " + t.projectId() + ": " + status + " " + detail + "; use a DSN the node knows " +
                "(its start-up banner prints them)");
        }
        if (status == 200 || status == 429 || status == 503)
        {
            return;
        }
        throw new LoadgenException(LoadgenException.UNEXPECTED, url.replaceAll("sentry_key=[0-9a-fA-F]+",
            "sentry_key=…") + " answered " + status + " " + detail + " to an empty envelope: is this a Crashfree or " +
            "Sentry ingest endpoint?");
    }
}
