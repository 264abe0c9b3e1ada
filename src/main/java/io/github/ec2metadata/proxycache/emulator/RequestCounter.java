package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts IMDS requests by method, raw request target and whether they carried a token. */
final class RequestCounter {

    /** Which requests a count query wants, by presence of the IMDSv2 token header. */
    enum TokenFilter {
        ANY, WITH, WITHOUT;

        static TokenFilter parse(String name) {
            if (name == null) {
                return ANY;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token must be any, with or without: " + name);
            }
        }
    }

    private record Key(String method, String target) {
    }

    private static final class Tally {
        final LongAdder withToken = new LongAdder();
        final LongAdder withoutToken = new LongAdder();

        long count(TokenFilter filter) {
            return switch (filter) {
                case ANY -> withToken.sum() + withoutToken.sum();
                case WITH -> withToken.sum();
                case WITHOUT -> withoutToken.sum();
            };
        }
    }

    private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    void record(String method, String target, boolean withToken) {
        Tally tally = tallies.computeIfAbsent(new Key(method, target), key -> new Tally());
        (withToken ? tally.withToken : tally.withoutToken).increment();
        total.increment();
    }

    /** A null method or target matches every method or target. */
    long count(String method, String target, TokenFilter filter) {
        return tallies.entrySet().stream()
                .filter(entry -> method == null || entry.getKey().method().equals(method))
                .filter(entry -> target == null || entry.getKey().target().equals(target))
                .mapToLong(entry -> entry.getValue().count(filter))
                .sum();
    }

    long total() {
        return total.sum();
    }

    void clear() {
        tallies.clear();
        total.reset();
    }

    /** The {@code GET /emulator/requests} document, sorted by target then method. */
    JsonObject toJson() {
        JsonArray requests = new JsonArray();
        tallies.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Key::target)
                        .thenComparing(Key::method)))
                .forEach(entry -> requests.add(new JsonObject()
                        .put("method", entry.getKey().method())
                        .put("path", entry.getKey().target())
                        .put("withToken", entry.getValue().withToken.sum())
                        .put("withoutToken", entry.getValue().withoutToken.sum())));
        return new JsonObject().put("total", total()).put("requests", requests);
    }
}
