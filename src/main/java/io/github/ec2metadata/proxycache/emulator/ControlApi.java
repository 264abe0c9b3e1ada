package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/** The {@code /emulator/} HTTP endpoints that tests and benchmarks use to steer the emulator. */
final class ControlApi {

    static final String PREFIX = "/emulator/";

    private final EmulatorState state;

    ControlApi(EmulatorState state) {
        this.state = state;
    }

    static boolean isControlPath(String path) {
        return path != null && path.startsWith(PREFIX);
    }

    void handle(HttpServerRequest request) {
        String route = request.method().name() + " " + request.path();
        try {
            switch (route) {
                case "POST /emulator/reset" -> done(request, state::reset);
                case "POST /emulator/reset-counters" -> done(request, state.counter::clear);
                case "POST /emulator/config" -> configure(request);
                case "POST /emulator/rotate-credentials" ->
                        done(request, state.credentials::rotateAll);
                case "POST /emulator/spot-notice" -> done(request, state.spotNotice::trigger);
                case "POST /emulator/advance-clock" -> done(request, () -> state.credentials
                        .advanceClock(Duration.ofSeconds(Long.parseLong(
                                request.getParam("seconds")))));
                case "GET /emulator/requests" ->
                        send(request, 200, "application/json", state.counter.toJson().encode());
                case "GET /emulator/count" -> text(request, String.valueOf(count(request)));
                case "GET /emulator/credentials" -> text(request, credentials(request));
                case "GET /emulator/instance-id" -> text(request, InstanceIdentity.INSTANCE_ID);
                case "GET /emulator/issued-tokens" ->
                        text(request, String.join("\n", state.tokens.issued()));
                default -> send(request, 404, "text/plain", "no control endpoint " + route);
            }
        } catch (IllegalArgumentException e) {
            send(request, 400, "text/plain", e.getMessage());
        }
    }

    /** Reads the JSON body and applies it all or nothing, so a typo changes no setting. */
    private void configure(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                configurationOf(body).forEach(Runnable::run);
                send(request, 204, null, "");
            } catch (IllegalArgumentException | ClassCastException | DecodeException e) {
                send(request, 400, "text/plain", "bad configuration: " + e.getMessage());
            }
        });
    }

    private List<Runnable> configurationOf(Buffer body) {
        JsonObject config = body.length() == 0 ? new JsonObject() : body.toJsonObject();
        List<Runnable> changes = new ArrayList<>();
        for (String key : config.fieldNames()) {
            changes.add(change(key, config));
        }
        return changes;
    }

    /** Validates one setting now and returns the deferred change that applies it. */
    private Runnable change(String key, JsonObject config) {
        EmulatorSettings settings = state.settings;
        return switch (key) {
            case "requireTokens" -> flag(config, key, settings::requireTokens);
            case "tokenPutStatus" -> status(config, key, settings::tokenPutStatus);
            case "latencyMillis" -> amount(config, key, settings::latencyMillis);
            case "throttleAbovePerSecond" -> limit(config, key, settings::throttleAbovePerSecond);
            case "resetConnections" -> flag(config, key, settings::resetConnections);
            case "failWithStatus" -> status(config, key, settings::failWithStatus);
            case "bodyFault" -> bodyFault(config, key);
            case "oversizedBodyBytes" -> limit(config, key, settings::oversizedBodyBytes);
            case "credentialLifetimeSeconds" -> lifetime(config, key);
            default -> throw new IllegalArgumentException("unknown setting " + key);
        };
    }

    private static Runnable flag(JsonObject config, String key, Consumer<Boolean> setter) {
        boolean value = required(config.getBoolean(key), key);
        return () -> setter.accept(value);
    }

    private static Runnable status(JsonObject config, String key, IntConsumer setter) {
        int value = EmulatorSettings.checkStatus(key, required(config.getInteger(key), key));
        return () -> setter.accept(value);
    }

    private static Runnable amount(JsonObject config, String key, LongConsumer setter) {
        long value = EmulatorSettings.checkNotNegative(key, required(config.getLong(key), key));
        return () -> setter.accept(value);
    }

    private static Runnable limit(JsonObject config, String key, IntConsumer setter) {
        int value = required(config.getInteger(key), key);
        EmulatorSettings.checkNotNegative(key, value);
        return () -> setter.accept(value);
    }

    private Runnable lifetime(JsonObject config, String key) {
        long seconds = required(config.getLong(key), key);
        if (seconds <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + seconds);
        }
        return () -> state.credentials.lifetime(Duration.ofSeconds(seconds));
    }

    private Runnable bodyFault(JsonObject config, String key) {
        BodyFault value = BodyFault.parse(required(config.getString(key), key));
        return () -> state.settings.bodyFault(value);
    }

    private long count(HttpServerRequest request) {
        RequestCounter.TokenFilter filter =
                RequestCounter.TokenFilter.parse(request.getParam("token"));
        return state.counter.count(request.getParam("method"), request.getParam("path"), filter);
    }

    private String credentials(HttpServerRequest request) {
        String token = request.getParam("token", "without");
        if (!token.equals("with") && !token.equals("without")) {
            throw new IllegalArgumentException("token must be with or without: " + token);
        }
        return state.tree.credentialsJson(CredentialIssuer.Kind.ROLE, token.equals("with"));
    }

    private static void done(HttpServerRequest request, Runnable action) {
        action.run();
        send(request, 204, null, "");
    }

    private static void text(HttpServerRequest request, String body) {
        send(request, 200, "text/plain", body);
    }

    private static void send(HttpServerRequest request, int status, String type, String body) {
        if (type != null) {
            request.response().putHeader("Content-Type", type);
        }
        request.response().setStatusCode(status).end(body);
    }

    private static <T> T required(T value, String key) {
        if (value == null) {
            throw new IllegalArgumentException(key + " must not be null");
        }
        return value;
    }
}
