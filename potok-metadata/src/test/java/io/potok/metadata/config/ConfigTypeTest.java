package io.potok.metadata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTypeTest {

    @Test
    void booleans() {
        assertThat(ConfigType.BOOLEAN.parse("true")).isEqualTo(true);
        assertThat(ConfigType.BOOLEAN.parse(" FALSE ")).isEqualTo(false);
        assertThat(ConfigType.BOOLEAN.parse("True")).isEqualTo(true);
        assertThatThrownBy(() -> ConfigType.BOOLEAN.parse("1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> ConfigType.BOOLEAN.parse(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("true or false");
    }

    @Test
    void integers() {
        assertThat(ConfigType.INT.parse(" 7 ")).isEqualTo(7);
        assertThat(ConfigType.INT.parse("-2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThatThrownBy(() -> ConfigType.INT.parse("2147483648"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-bit integer");
        assertThatThrownBy(() -> ConfigType.INT.parse("1.5")).hasMessageContaining("32-bit integer");
        assertThat(ConfigType.LONG.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> ConfigType.LONG.parse("9223372036854775808"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64-bit integer");
        assertThatThrownBy(() -> ConfigType.LONG.parse("abc")).hasMessageContaining("64-bit integer");
    }

    @Test
    void doubles() {
        assertThat(ConfigType.DOUBLE.parse("0.5")).isEqualTo(0.5);
        assertThat(ConfigType.DOUBLE.parse("1")).isEqualTo(1.0);
        assertThatThrownBy(() -> ConfigType.DOUBLE.parse("half"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a number");
    }

    @Test
    void listsAreSplitAndTrimmed() {
        assertThat(ConfigType.LIST.parse("a, b ,c")).isEqualTo(List.of("a", "b", "c"));
        assertThat(ConfigType.LIST.parse("")).isEqualTo(List.of());
        assertThat(ConfigType.LIST.parse("  ")).isEqualTo(List.of());
        assertThat(ConfigType.LIST.parse("single")).isEqualTo(List.of("single"));
    }

    @Test
    void stringsAreKeptAsGiven() {
        assertThat(ConfigType.STRING.parse(" x ")).isEqualTo(" x ");
        assertThat(ConfigType.PASSWORD.parse("secret")).isEqualTo("secret");
        assertThat(ConfigType.CLASS.parse("a.B")).isEqualTo("a.B");
    }

    @Test
    void configKeyParseWrapsTypeAndRangeErrorsWithKeyAndValue() {
        ConfigKey key = new ConfigKeys().define("x.count", ConfigType.INT, "3", "[1,...]", ConfigKeys.atLeast(1), "")
                .get("x.count").orElseThrow();
        assertThat(key.parse("5")).isEqualTo(5);
        assertThatThrownBy(() -> key.parse("five"))
                .isInstanceOf(InvalidConfigValueException.class)
                .hasMessage("Invalid value five for configuration x.count: expected a 32-bit integer");
        assertThatThrownBy(() -> key.parse("0"))
                .isInstanceOf(InvalidConfigValueException.class)
                .hasMessage("Invalid value 0 for configuration x.count: allowed: [1,...]");
    }

    @Test
    void defaultAllowedTextNamesTheType() {
        ConfigKey key = new ConfigKeys().define("flag", ConfigType.BOOLEAN, "false", "").get("flag").orElseThrow();
        assertThat(key.allowed()).isEqualTo("any boolean");
        assertThatThrownBy(() -> key.parse("maybe")).hasMessageContaining("flag").hasMessageContaining("maybe")
                .hasMessageContaining("true or false");
    }

    @Test
    void validators() {
        assertThat(ConfigKeys.between(0, 1).test(0.0)).isTrue();
        assertThat(ConfigKeys.between(0, 1).test(1)).isTrue();
        assertThat(ConfigKeys.between(0, 1).test(1.01)).isFalse();
        assertThat(ConfigKeys.atLeast(-1).test(-1L)).isTrue();
        assertThat(ConfigKeys.atLeast(-1).test(-2L)).isFalse();
        assertThat(ConfigKeys.oneOf("a", "b").test("b")).isTrue();
        assertThat(ConfigKeys.oneOf("a", "b").test("c")).isFalse();
        assertThat(ConfigKeys.listOf("a", "b").test(List.of("a", "b"))).isTrue();
        assertThat(ConfigKeys.listOf("a", "b").test(List.of("a", "c"))).isFalse();
    }
}
