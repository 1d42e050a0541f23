package io.potok.server.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * The connection options every client command shares ({@code --bootstrap-server},
 * {@code --request-timeout-ms}), and the kafka-clients it creates from them.
 *
 * <p>Before creating a client the bootstrap servers are probed with a plain TCP connect, so an
 * unreachable broker is one clear line after at most a few seconds, not a minute of retries.
 * Client timeouts are short ({@code --request-timeout-ms}, 10 s by default).
 */
final class ClientOptions {
    private static final int PROBE_TIMEOUT_MS_MAX = 5_000;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT...]", defaultValue = "127.0.0.1:9092",
            description = "Broker(s) to connect to (default: ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "How long to wait for the broker's answers (default: ${DEFAULT-VALUE}).")
    int requestTimeoutMs;

    /** Settings every client gets: where, how long to wait, no JMX reporter (faster start). */
    private Properties common(String clientId) {
        if (requestTimeoutMs <= 0) {
            throw new CliFailure("--request-timeout-ms must be above 0, got " + requestTimeoutMs, CliFailure.USAGE);
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServer);
        props.put("client.id", clientId);
        props.put("request.timeout.ms", Integer.toString(requestTimeoutMs));
        props.put("default.api.timeout.ms", Integer.toString(requestTimeoutMs));
        props.put("metric.reporters", "");
        props.put("reconnect.backoff.max.ms", "1000");
        return props;
    }

    Admin admin() {
        probe();
        Properties props = common("potok-cli-admin");
        props.put("retries", "3");
        return create(() -> Admin.create(props));
    }

    KafkaProducer<byte[], byte[]> producer(Map<String, String> settings) {
        probe();
        Properties props = common("potok-cli-producer");
        props.remove("default.api.timeout.ms");
        props.put("max.block.ms", Integer.toString(requestTimeoutMs));
        props.put("delivery.timeout.ms", Long.toString(2L * requestTimeoutMs + 1_000));
        props.putAll(settings);
        return create(() -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    KafkaConsumer<byte[], byte[]> consumer(Map<String, String> settings) {
        probe();
        Properties props = common("potok-cli-consumer");
        props.putAll(settings);
        return create(() -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    private static <T> T create(java.util.function.Supplier<T> factory) {
        try {
            return factory.get();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CliFailure("cannot create the client: " + cause.getMessage(), CliFailure.USAGE);
        }
    }

    /** The future's value, or a {@link CliFailure} with the broker's error as one line. */
    <T> T await(KafkaFuture<T> future) {
        try {
            // The client times out by itself; this bound only guards against a client that does not.
            return future.get(2L * requestTimeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw noAnswer(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    /** One line for an exception from a client. */
    CliFailure failure(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CliFailure f) {
            return f;
        }
        if (e instanceof TimeoutException) {
            return noAnswer(e.getMessage());
        }
        String message = e.getMessage();
        return new CliFailure(message == null || message.isBlank() ? e.getClass().getSimpleName() : message);
    }

    private CliFailure noAnswer(String detail) {
        return new CliFailure("no answer from " + bootstrapServer + " within " + requestTimeoutMs + " ms"
                + (detail == null ? "" : " (" + detail.strip() + ")"));
    }

    /** Fails fast, with one line, when none of the bootstrap servers accepts a TCP connection. */
    void probe() {
        List<InetSocketAddress> addresses = addresses();
        int timeoutMs = Math.min(Math.max(1, requestTimeoutMs), PROBE_TIMEOUT_MS_MAX);
        String lastError = null;
        for (InetSocketAddress address : addresses) {
            if (address.isUnresolved()) {
                lastError = "unknown host " + address.getHostString();
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(address, timeoutMs);
                return;
            } catch (IOException e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        throw new CliFailure("cannot connect to " + bootstrapServer + ": " + lastError
                + " (is Potok running there? set --bootstrap-server)");
    }

    private List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String part : bootstrapServer.split(",")) {
            String hostPort = part.strip();
            int colon = hostPort.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port <= 0 || port > 65535) {
                throw new CliFailure("--bootstrap-server: '" + hostPort + "' is not HOST:PORT", CliFailure.USAGE);
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            addresses.add(new InetSocketAddress(host, port));
        }
        return addresses;
    }
}
