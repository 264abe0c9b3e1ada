package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process stand-in for the EC2 instance metadata service (IMDS), steered over HTTP
 * through {@code /emulator/} so tests in other class loaders and other processes can use it.
 */
public final class ImdsEmulator implements AutoCloseable {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1338;

    private static final long START_STOP_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final HttpServer server;
    private final String host;
    private final EmulatorState state;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ImdsEmulator(Vertx vertx, HttpServer server, String host, EmulatorState state) {
        this.vertx = vertx;
        this.server = server;
        this.host = host;
        this.state = state;
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. Returns once the server listens. */
    public static ImdsEmulator start(int port) {
        return start(DEFAULT_HOST, port);
    }

    /** Starts on the given interface; port 0 picks a free port. */
    public static ImdsEmulator start(String host, int port) {
        Vertx vertx = Vertx.vertx();
        EmulatorState state = new EmulatorState();
        ImdsRequestHandler imds = new ImdsRequestHandler(vertx, state);
        ControlApi control = new ControlApi(state);
        // IMDS speaks plain HTTP/1.1 only; no h2c upgrade, no compression.
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
        HttpServer server = vertx.createHttpServer(options)
                .requestHandler(request -> dispatch(request, imds, control));
        try {
            await(server.listen(port, host));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        return new ImdsEmulator(vertx, server, host, state);
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://" + host + ":" + port();
    }

    /** Stops the server and its Vert.x instance; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            await(vertx.close());
        }
    }

    /**
     * Runs the emulator as its own process, for benchmarks.
     * Arguments: {@code [--port N] [--host H] [--require-tokens]}.
     */
    public static void main(String[] args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean requireTokens = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(argumentValue(args, ++i));
                case "--host" -> host = argumentValue(args, ++i);
                case "--require-tokens" -> requireTokens = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        ImdsEmulator emulator = start(host, port);
        emulator.state.settings.requireTokens(requireTokens);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "imds-emulator-stop"));
        System.out.println("IMDS emulator listening on " + emulator.baseUrl());
        // Vert.x event loop threads are not daemons, so the process lives until killed.
    }

    private static void dispatch(HttpServerRequest request, ImdsRequestHandler imds,
            ControlApi control) {
        if (ControlApi.isControlPath(request.path())) {
            control.handle(request);
        } else {
            imds.handle(request);
        }
    }

    private static String argumentValue(String[] args, int index) {
        if (index >= args.length) {
            usage(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: ImdsEmulator [--port N] [--host H] [--require-tokens]");
        System.exit(2);
    }

    /** A blocking wait on a Vert.x future, with checked exceptions turned unchecked. */
    private static void await(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture()
                    .get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the emulator", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("IMDS emulator did not start or stop", e);
        }
    }
}
