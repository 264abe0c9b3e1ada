package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestAdmissionTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/latest", "/latest/meta-data/", "/latest/meta-data/a..b",
        "/latest/meta-data/.hidden", "/latest/meta-data/x?y=..", "/latest/user-data",
        "/2021-07-15/meta-data/public-keys/0/openssh-key", "/latest/meta-data/%2e%2e%2e"})
    void admitsOrdinaryTargets(String target) {
        assertNull(RequestAdmission.check(HttpMethod.GET, target));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, http://169.254.169.254/latest/meta-data/, 400",
        "GET, evil.example:80, 400",
        "OPTIONS, *, 400",
        "CONNECT, 169.254.169.254:80, 400",
        "GET, /latest/../latest/meta-data/, 400",
        "GET, /latest/meta-data/.., 400",
        "GET, /latest/./meta-data/, 400",
        "GET, /latest/%2e%2e/meta-data/, 400",
        "GET, /latest/%2E./meta-data/, 400",
        "GET, /latest/.%2e, 400",
        "GET, /latest/%2e/meta-data, 400",
        "GET, /latest/meta-data/%00, 400",
        "GET, /latest/meta-data/%0d%0aX: y, 400",
        "POST, /latest/meta-data/, 405",
        "DELETE, /latest/meta-data/, 405",
        "OPTIONS, /latest/meta-data/, 405",
        "PATCH, /latest/api/token, 405",
    })
    void refusesWithTheRightStatus(String method, String target, int status) {
        assertEquals(status, RequestAdmission.check(HttpMethod.valueOf(method), target).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/latest/meta-data/\u0000", "/latest/\u0001x", "/latest/\u007f"})
    void refusesRawControlCharacters(String target) {
        assertEquals(400, RequestAdmission.check(HttpMethod.GET, target).status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET | Content-Length=0",
        "HEAD | ",
        "PUT | Content-Length=4096",
        "PUT | Transfer-Encoding=chunked",
        "PUT | Transfer-Encoding=Chunked ",
    })
    void admitsPlainFraming(String method, String headers) {
        assertNull(RequestAdmission.checkFraming(HttpMethod.valueOf(method), HttpVersion.HTTP_1_1,
                headers(headers)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PUT | Content-Length=4097 | 413",
        "PUT | Content-Length=99999999999999999999 | 400",
        "PUT | Content-Length=+5 | 400",
        "PUT | Transfer-Encoding=gzip | 400",
        "PUT | Transfer-Encoding=gzip, chunked | 400",
        "PUT | Transfer-Encoding=chunked;Transfer-Encoding=chunked | 400",
        "GET | Content-Length=4 | 400",
        "GET | Transfer-Encoding=chunked | 400",
        "HEAD | Content-Length=1 | 400",
    })
    void refusesBodiesThatAreTooLargeMisframedOrOnReads(String method, String headers,
            int status) {
        assertEquals(status, RequestAdmission.checkFraming(HttpMethod.valueOf(method),
                HttpVersion.HTTP_1_1, headers(headers)).status());
    }

    @Test
    void refusesVersionsOtherThanHttp1() {
        assertEquals(400, RequestAdmission.checkFraming(HttpMethod.GET, null, headers(""))
                .status());
        assertEquals(400, RequestAdmission.checkFraming(HttpMethod.GET, HttpVersion.HTTP_2,
                headers("")).status());
        assertNull(RequestAdmission.checkFraming(HttpMethod.GET, HttpVersion.HTTP_1_0,
                headers("")));
    }

    /** {@code Name=value;Name=value}, as a case-insensitive header map. */
    private static MultiMap headers(String written) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (written == null || written.isBlank()) {
            return headers;
        }
        for (String header : written.split(";")) {
            int equals = header.indexOf('=');
            headers.add(header.substring(0, equals), header.substring(equals + 1));
        }
        return headers;
    }
}
