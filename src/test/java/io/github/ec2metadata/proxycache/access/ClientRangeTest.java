package io.github.ec2metadata.proxycache.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Client ranges as CIDR: what parses, and which addresses fall inside. */
class ClientRangeTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1/32, 127.0.0.1, true",
        "127.0.0.1/32, 127.0.0.2, false",
        "127.0.0.1, 127.0.0.1, true",
        "172.17.0.0/16, 172.17.255.3, true",
        "172.17.0.0/16, 172.18.0.1, false",
        "172.17.0.1/16, 172.17.42.7, true",
        "10.0.0.0/8, 10.200.0.1, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, ::1, false",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "10.0.0.0/8, ::ffff:10.1.2.3, true",
        "::ffff:10.0.0.0/104, 10.9.9.9, true",
        "::ffff:10.0.0.0/104, 11.9.9.9, false",
        "::1/128, 0:0:0:0:0:0:0:1, true",
        "::1, ::1, true",
        "::1/128, 127.0.0.1, false",
        "fd00:ec2::/32, fd00:ec2::254, true",
        "fd00:ec2::/32, fd00:ec3::254, false",
        "fe80::/10, FE80::1:2:3:4, true",
        "fe80::/10, fec0::1, false",
        "::/0, 2001:db8::1, true",
    })
    void matchesAddressesInsideItsPrefixOnly(String range, String client, boolean inside) {
        assertEquals(inside, ClientRange.parse(range).contains(ClientRange.addressOf(client)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.0.0", "10.0.0.0.1", "256.0.0.1",
        "10.0.0.01", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/08", "1.2.3.4/ 8",
        "::1/129", "fe80::1%eth0", "[::1]", "::g", "1:2:3:4:5:6:7:8:9", "::ffff:10.0.0.0/64",
        "10.0.0.0/8/8", "\u0661.2.3.4", ".::1"})
    void refusesWhatIsNotARange(String written) {
        assertThrows(IllegalArgumentException.class, () -> ClientRange.parse(written));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "1.2.3", "::z", "[::1]"})
    void readsNoAddressFromNonLiterals(String text) {
        assertNull(ClientRange.addressOf(text));
    }
}
