package io.potok.metadata.config;

/** A config value that does not parse or is out of range. The message names key, value and the rule. */
public final class InvalidConfigValueException extends IllegalArgumentException {
    private final String key;

    public InvalidConfigValueException(String key, String value, String reason) {
        super("Invalid value " + value + " for configuration " + key + ": " + reason);
        this.key = key;
    }

    /** For a rule that involves several keys: {@code message} says which and why. */
    public InvalidConfigValueException(String message) {
        super(message);
        this.key = null;
    }

    public String key() {
        return key;
    }
}
