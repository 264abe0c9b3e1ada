package io.github.ec2metadata.proxycache.emulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The two time formats IMDS speaks: ISO-8601 seconds in documents, RFC 1123 in headers. */
final class ImdsTime {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private ImdsTime() {
    }

    /** For example {@code 2024-05-06T07:08:09Z}: seconds precision, always UTC. */
    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }
}
