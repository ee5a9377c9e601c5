package org.smartguard.fhir.search;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.smartguard.fhir.errors.FhirException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A page position: the sort values and primary key of the row a page starts after (or, for a {@code previous} link,
 * ends before). Opaque to clients (base64url JSON) and bound to the {@code _sort} it was made for. A forged cursor
 * only moves where a page starts: the token's restrictions are in the query whatever the cursor says.
 */
record PageCursor(String sort, boolean before, long pk, List<String> values) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String encode() {
        ObjectNode node = JSON.createObjectNode().put("s", sort).put("b", before).put("p", pk);
        ArrayNode keys = node.putArray("k");
        values.forEach(keys::add);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @return null for no cursor (the first page) */
    static PageCursor decode(String value, SortOrder order) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(value));
            List<String> values = new ArrayList<>();
            node.get("k").forEach(key -> values.add(key.isNull() ? null : key.asText()));
            PageCursor cursor = new PageCursor(node.get("s").asText(), node.get("b").asBoolean(), node.get("p").asLong(), values);
            if (!cursor.sort.equals(order.spec()) || values.size() != order.keys().size()) {
                throw invalid();
            }
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) != null) {
                    order.keys().get(i).kind().bind(values.get(i));
                }
            }
            return cursor;
        } catch (RuntimeException | java.io.IOException e) {
            throw invalid();
        }
    }

    private static FhirException invalid() {
        return FhirException.badRequest("SG-FHIR-SEARCH-CURSOR", "_cursor is not a page position this server made for this _sort");
    }
}
