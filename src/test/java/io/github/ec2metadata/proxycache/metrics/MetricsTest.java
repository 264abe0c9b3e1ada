package io.github.ec2metadata.proxycache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.Http;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** After traffic, Prometheus on the management port tells what the proxy did. */
@QuarkusTest
class MetricsTest extends ProxyTestBase {

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @Test
    void clientOutcomesAreCountedByPathClass() {
        Scrape before = scrape();
        proxy.get("/latest/meta-data/instance-id");
        proxy.get("/latest/meta-data/instance-id");
        proxy.get("/latest/meta-data/iam/security-credentials/ci-builder-role");
        emulator.failWithStatus(500);
        proxy.get("/latest/meta-data/tags/instance/Name");

        Scrape after = scrape();

        assertEquals(1, after.delta(before, "imds_proxy_requests_total",
                "outcome=\"miss\",path_class=\"instance_facts\""));
        assertEquals(1, after.delta(before, "imds_proxy_requests_total",
                "outcome=\"hit\",path_class=\"instance_facts\""));
        assertEquals(1, after.delta(before, "imds_proxy_requests_total",
                "outcome=\"miss\",path_class=\"credentials\""));
        assertEquals(1, after.delta(before, "imds_proxy_requests_total",
                "outcome=\"error\",path_class=\"tags\""));
    }

    @Test
    void upstreamRequestsAreCountedByCauseAndStatusWithLatencyAndRetries() {
        Scrape before = scrape();
        proxy.get("/latest/meta-data/ami-id");
        emulator.failWithStatus(503);
        proxy.get("/latest/meta-data/hostname");

        Scrape after = scrape();

        assertEquals(1, after.delta(before, "imds_upstream_requests_seconds_count",
                "cause=\"miss\",status=\"2xx\""));
        long failed = emulator.count("GET", "/latest/meta-data/hostname");
        assertEquals(failed, after.delta(before, "imds_upstream_requests_seconds_count",
                "cause=\"miss\",status=\"5xx\""));
        assertEquals(failed - 1, after.delta(before, "imds_upstream_retries_total", ""));
        assertTrue(after.has("imds_upstream_requests_seconds_bucket"), "a latency histogram");
    }

    @Test
    void tokensIssuedAndRefusedAreCountedByReason() {
        Scrape before = scrape();
        proxy.token(60);
        proxy.put("/latest/api/token", Http.TOKEN_TTL, "0");
        proxy.put("/latest/api/token", Http.TOKEN_TTL, "60", "X-Forwarded-For", "1.2.3.4");
        proxy.get("/latest/meta-data/ami-id", Http.TOKEN, "forged");

        Scrape after = scrape();

        assertEquals(1, after.delta(before, "imds_tokens_issued_total", ""));
        assertEquals(1, after.delta(before, "imds_tokens_refused_total", "reason=\"bad_ttl\""));
        assertEquals(1, after.delta(before, "imds_tokens_refused_total", "reason=\"forwarded\""));
        assertEquals(1, after.delta(before, "imds_tokens_refused_total",
                "reason=\"invalid_token\""));
    }

    @Test
    void gaugesShowEntriesCredentialsTokenAndMode() {
        emulator.credentialLifetime(Duration.ofHours(1)).rotateCredentials();
        proxy.get("/latest/meta-data/iam/security-credentials/ci-builder-role");
        proxy.get("/latest/meta-data/ami-id", Http.TOKEN, proxy.token(60));

        Scrape scraped = scrape();

        assertEquals(2, scraped.value("imds_cache_entries", ""));
        double credentialsLeft = scraped.value("imds_credentials_expiration_seconds", "");
        assertTrue(credentialsLeft > 3500 && credentialsLeft < 3601, "" + credentialsLeft);
        assertTrue(scraped.value("imds_upstream_token_expiration_seconds", "") > 3600);
        assertEquals(1, scraped.value("imds_tokens_tokenless_allowed", "mode=\"mirror\""));
        assertTrue(scraped.has("imds_upstream_queue_depth"));
        assertTrue(scraped.has("imds_cache_coalesced_readers"));
    }

    private Scrape scrape() {
        return new Scrape(Http.text(new Http(metricsUrl.toString()).get("")));
    }

    /** One Prometheus text exposition, read by metric name and tags. */
    record Scrape(String text) {

        boolean has(String name) {
            return text.lines().anyMatch(line -> line.startsWith(name));
        }

        /** The value of the first series with this name whose tags contain the given text. */
        double value(String name, String tags) {
            return text.lines()
                    .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .filter(line -> line.contains(tags))
                    .mapToDouble(line -> Double.parseDouble(
                            line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElse(0);
        }

        long delta(Scrape before, String name, String tags) {
            return Math.round(value(name, tags) - before.value(name, tags));
        }
    }
}
