package io.potok.metadata.quorum;

import java.util.ArrayList;
import java.util.List;

/** One member of the controller quorum: {@code id@host:port} in {@code controller.quorum.voters}. */
public record Voter(int id, String host, int port) {

    /** Parses {@code 1@host:9093,2@host:9093}; throws IllegalArgumentException naming the bad entry. */
    public static List<Voter> parseList(String value) {
        List<Voter> voters = new ArrayList<>();
        for (String part : value.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            int at = s.indexOf('@');
            int colon = s.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1) {
                throw new IllegalArgumentException("expected id@host:port entries, got '" + s + "'");
            }
            try {
                voters.add(new Voter(Integer.parseInt(s.substring(0, at)), s.substring(at + 1, colon),
                        Integer.parseInt(s.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected numeric id and port in '" + s + "'");
            }
        }
        return voters;
    }

    @Override
    public String toString() {
        return id + "@" + host + ":" + port;
    }
}
