package io.github.ec2metadata.proxycache.emulator;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes flat JSON documents in the pretty layout IMDS uses ({@code "Key" : "value"}). */
final class ImdsJson {

    private ImdsJson() {
    }

    /** Keys keep the map's iteration order, so callers pass an ordered map. */
    static String pretty(Map<String, ?> fields) {
        return fields.entrySet().stream()
                .map(field -> "  " + quote(field.getKey()) + " : " + value(field.getValue()))
                .collect(Collectors.joining(",\n", "{\n", "\n}"));
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : c);
            }
        }
        return out.append('"').toString();
    }

    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return quote(text);
        }
        if (value instanceof List<?> items) {
            return items.isEmpty() ? "[ ]" : items.stream()
                    .map(ImdsJson::value)
                    .collect(Collectors.joining(", ", "[ ", " ]"));
        }
        return String.valueOf(value);
    }
}
