package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests refused on arrival never reach IMDS, and the proxy goes on serving. */
@QuarkusTest
class RefusedRequestTest extends ProxyTestBase {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/ HTTP/1.1 | 400",
        "GET http://127.0.0.1:1/latest/meta-data/ HTTP/1.1 | 400",
        "GET /latest/meta-data/../user-data HTTP/1.1 | 400",
        "GET /latest/%2e%2e/latest/user-data HTTP/1.1 | 400",
        "GET /latest/meta-data/%2E/instance-id HTTP/1.1 | 400",
        "POST /latest/meta-data/ HTTP/1.1 | 405",
        "DELETE /latest/api/token HTTP/1.1 | 405",
        "PUT /latest/meta-data/instance-id HTTP/1.1 | 405",
    })
    void refusedBeforeAnyUpstreamContact(String requestLine, int status) {
        String response = RawHttp.exchange(proxyUrl,
                requestLine + "\r\nHost: 169.254.169.254\r\nContent-Length: 0\r\n\r\n");

        assertEquals(status, RawHttp.status(response), response);
        assertTrue(response.contains("text/plain"), response);
        assertEquals(0, emulator.total());
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }

    /**
     * Quarkus refuses a target that is not a URI (CONNECT's host:port) before any route sees it,
     * with an empty body; see HostileRequestTest.
     */
    @Test
    void connectIsRefusedWith400() {
        String response = RawHttp.exchange(proxyUrl,
                "CONNECT 169.254.169.254:80 HTTP/1.1\r\nHost: 169.254.169.254:80\r\n\r\n");

        assertEquals(400, RawHttp.status(response), response);
        assertEquals(0, emulator.total());
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }
}
