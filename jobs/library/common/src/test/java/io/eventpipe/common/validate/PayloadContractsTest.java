package io.eventpipe.common.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadContractsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void builtInContractsAreTheSchemasModules() {
        PayloadContracts.Texts texts = PayloadContracts.Texts.builtIn();
        assertThat(texts.byType()).containsKeys("order.created", "payment.captured");
        assertThat(texts.compile().types()).isEqualTo(texts.byType().keySet());
    }

    @Test
    void aDirectoryReplacesTheBuiltInContracts() throws Exception {
        Files.writeString(dir.resolve("index.txt"), "# types with a contract\norder.created\n\n");
        Files.writeString(
                dir.resolve("order.created.json"),
                "{\"type\": \"object\", \"required\": [\"orderId\"],"
                        + " \"properties\": {\"currency\": {\"enum\": [\"EUR\"]}}}");
        PayloadContracts contracts = PayloadContracts.Texts.directory(dir).compile();
        assertThat(contracts.types()).containsExactly("order.created");
        assertThat(contracts.violations(
                        "order.created", JSON.readTree("{\"orderId\": \"o\", \"currency\": \"EUR\"}"), 3))
                .isNull();
        assertThat(contracts.violations(
                        "order.created", JSON.readTree("{\"orderId\": \"o\", \"currency\": \"USD\"}"), 3))
                .contains("currency");
        // payment.captured has a built-in contract, but not here: any JSON passes
        assertThat(contracts.violations("payment.captured", JSON.readTree("{}"), 3))
                .isNull();
    }

    @Test
    void aDirectoryThatCannotBeUsedIsRefusedWithWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> PayloadContracts.Texts.directory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no index.txt in " + dir);

        Files.writeString(dir.resolve("index.txt"), "order.created\n");
        assertThatThrownBy(() -> PayloadContracts.Texts.directory(dir))
                .hasMessageContaining("lists order.created, but there is no order.created.json beside it");

        Files.writeString(dir.resolve("index.txt"), "../order.created\n");
        assertThatThrownBy(() -> PayloadContracts.Texts.directory(dir))
                .hasMessageContaining("lists '../order.created', which is not an event type");

        Files.writeString(dir.resolve("index.txt"), "order.created\n");
        Files.writeString(dir.resolve("order.created.json"), "{\"type\": ");
        assertThatThrownBy(() -> PayloadContracts.Texts.directory(dir))
                .hasMessageContaining("the contract of order.created is not a JSON Schema");
    }
}
