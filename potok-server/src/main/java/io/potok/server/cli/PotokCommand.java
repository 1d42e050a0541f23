package io.potok.server.cli;

public final class PotokCommand {
    public static void main(String[] args) {
    }
}
