package org.smartguard.commons.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class JsonStringsTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "quote \" backslash \\ slash /", "line\nfeed\rreturn\ttab\bback\fform",
            "nul \u0000 unit separator \u001f delete \u007f", "Zoë Łukasz 患者 😀", "</script><!--", "\u2028\u2029"})
    void writesWhatJacksonWritesAndReadsBackTheSameText(String value) throws Exception {
        String quoted = JsonStrings.quote(new StringBuilder(), value).toString();
        assertEquals(JACKSON.writeValueAsString(value), quoted);
        assertEquals(value, JACKSON.readValue(quoted, String.class));
    }
}
