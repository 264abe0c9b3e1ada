package io.github.ec2metadata.proxycache.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One range of client addresses allowed to read metadata, written in CIDR notation
 * ({@code 172.17.0.0/16}, {@code fd00:ec2::/32}) or as a single address. Host bits past the
 * prefix are ignored, so an interface address as {@code ip addr} prints it
 * ({@code 172.17.0.1/16}) stands for its network. An IPv4 client that reaches an IPv6 socket
 * ({@code ::ffff:10.0.0.5}) is matched as the IPv4 address it is.
 */
final class ClientRange {

    private static final int IPV4_BITS = 32;
    private static final int IPV6_BITS = 128;
    private static final int MAPPED_PREFIX_BITS = 96;

    private final byte[] network;
    private final int prefixBits;
    private final String written;

    private ClientRange(byte[] network, int prefixBits, String written) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.written = written;
    }

    /** Parses one range; throws {@link IllegalArgumentException} saying what is wrong. */
    static ClientRange parse(String text) {
        String range = text.strip();
        int slash = range.indexOf('/');
        String literal = slash < 0 ? range : range.substring(0, slash);
        byte[] address = addressOf(literal);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address"
                    + " or CIDR range");
        }
        int bits = address.length * Byte.SIZE;
        if (slash < 0) {
            return new ClientRange(address, bits, range);
        }
        int prefix = prefixOf(range.substring(slash + 1), text);
        if (address.length == 4 && literal.indexOf(':') >= 0) {
            // Java gives an IPv4-mapped IPv6 literal back as IPv4: shift its prefix to match.
            prefix -= MAPPED_PREFIX_BITS;
            if (prefix < 0) {
                throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped range: its"
                        + " prefix must be at least " + MAPPED_PREFIX_BITS);
            }
        }
        if (prefix > bits) {
            throw new IllegalArgumentException("'" + text + "' has a prefix longer than "
                    + bits + " bits");
        }
        return new ClientRange(masked(address, prefix), prefix, range);
    }

    /**
     * The bytes of an IPv4 (dotted quad) or IPv6 literal, IPv4-mapped IPv6 given as IPv4; null
     * when the text is not a literal. Never resolves a host name.
     */
    static byte[] addressOf(String literal) {
        if (literal == null || literal.isEmpty()) {
            return null;
        }
        if (literal.indexOf(':') < 0) {
            return ipv4(literal);
        }
        if (literal.charAt(0) == '.' || !literal.chars().allMatch(ClientRange::isIpv6Character)) {
            // Zone ids, brackets and names are not accepted; this also keeps InetAddress from
            // ever looking a name up, which it does only for text that cannot be a literal.
            return null;
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException invalid) {
            return null;
        }
    }

    /** ASCII hex digits and the separators of IPv6 and of an embedded IPv4 address. */
    private static boolean isIpv6Character(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                || c == ':' || c == '.';
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        return Arrays.equals(masked(address, prefixBits), network);
    }

    @Override
    public String toString() {
        return written;
    }

    /** Four decimal octets, 0 to 255, without leading zeros (which some tools read as octal). */
    private static byte[] ipv4(String literal) {
        String[] octets = literal.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = decimal(octets[i], 3);
            if (octet < 0 || octet > 255) {
                return null;
            }
            address[i] = (byte) octet;
        }
        return address;
    }

    private static int prefixOf(String digits, String text) {
        int prefix = decimal(digits, 3);
        if (prefix < 0 || prefix > IPV6_BITS) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after"
                    + " '/' (0 to " + IPV4_BITS + " for IPv4, to " + IPV6_BITS + " for IPv6)");
        }
        return prefix;
    }

    /** A plain decimal of at most {@code maxDigits} digits and no leading zero, else -1. */
    private static int decimal(String digits, int maxDigits) {
        if (digits.isEmpty() || digits.length() > maxDigits
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static byte[] masked(byte[] address, int prefixBits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(Byte.SIZE, prefixBits - i * Byte.SIZE));
            masked[i] &= (byte) (0xff << (Byte.SIZE - keep));
        }
        return masked;
    }
}
