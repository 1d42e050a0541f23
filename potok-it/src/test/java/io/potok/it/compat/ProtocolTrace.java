package io.potok.it.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a client's protocol debug log (librdkafka {@code debug=protocol}, KafkaJS {@code logLevel DEBUG})
 * and tells which requests were sent and which of them never got a response: the first thing to
 * know when a client hangs against a broker.
 */
final class ProtocolTrace {

    // %7|1795663894.195|SEND|rdkafka#consumer-1| [thrd:127.0.0.1:19292/bootstrap]: 127.0.0.1:19292/1: Sent ListOffsetsRequest (v2, 50 bytes @ 0, CorrId 4)
    private static final Pattern RDKAFKA = Pattern.compile(
            "\\|(SEND|RECV)\\|([^|]+)\\| \\[thrd:([^\\]]+)\\]: .*?(?:Sent|Received) (\\w+?)(?:Request|Response) "
                    + "\\(v(\\d+),.*CorrId (\\d+)");
    // [kafkajs DEBUG Connection] Request ListOffsets(key: 2, version: 3) {"timestamp":...,"broker":"127.0.0.1:1","clientId":"c","correlationId":9,...}
    private static final Pattern KAFKAJS = Pattern.compile(
            "\\b(Request|Response) (\\w+)\\(key: \\d+, version: (\\d+)\\) .*\"broker\":\"([^\"]+)\".*\"correlationId\":(\\d+)");

    private final Map<String, String> pending = new LinkedHashMap<>();
    private final TreeSet<String> sent = new TreeSet<>();

    private ProtocolTrace() {
    }

    static ProtocolTrace librdkafka(List<String> stderr) {
        ProtocolTrace t = new ProtocolTrace();
        for (String line : stderr) {
            Matcher m = RDKAFKA.matcher(line);
            if (m.find()) {
                String api = m.group(4);
                String version = m.group(5);
                String key = m.group(2) + "|" + m.group(3) + "|" + m.group(6);
                t.record(m.group(1).equals("SEND"), key, api + " v" + version + " (CorrId " + m.group(6) + ")",
                        api + " v" + version);
            }
        }
        return t;
    }

    static ProtocolTrace kafkaJs(List<String> stderr) {
        ProtocolTrace t = new ProtocolTrace();
        for (String line : stderr) {
            Matcher m = KAFKAJS.matcher(line);
            if (m.find()) {
                String api = m.group(2);
                String version = m.group(3);
                String key = m.group(4) + "|" + api + "|" + m.group(5);
                t.record(m.group(1).equals("Request"), key, api + " v" + version + " (correlationId " + m.group(5)
                        + ")", api + " v" + version);
            }
        }
        return t;
    }

    private void record(boolean request, String key, String description, String apiVersion) {
        if (request) {
            pending.put(key, description);
            sent.add(apiVersion);
        } else {
            pending.remove(key);
        }
    }

    /** Requests that were sent and never answered, e.g. {@code ListOffsets v2 (CorrId 4)}. */
    List<String> unanswered() {
        return new ArrayList<>(pending.values());
    }

    /** Every API and version the client sent, e.g. {@code [Fetch v11, Metadata v4, Produce v7]}. */
    List<String> sentVersions() {
        return new ArrayList<>(sent);
    }

    String summary() {
        return "requests sent: " + sentVersions() + "; never answered: " + unanswered();
    }
}
