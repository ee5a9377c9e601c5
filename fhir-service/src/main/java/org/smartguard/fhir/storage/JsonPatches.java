package org.smartguard.fhir.storage;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;

import org.smartguard.fhir.errors.FhirException;

/** Applies an RFC 6902 JSON Patch to a stored resource's JSON (the FHIR patch interaction). */
public final class JsonPatches {

    private JsonPatches() {
    }

    public static String apply(String resourceJson, String patchJson) {
        JsonArray operations;
        try (JsonReader reader = Json.createReader(new StringReader(patchJson))) {
            operations = reader.readArray();
        } catch (RuntimeException e) {
            // JsonException for bad syntax, but Parsson refuses nesting deeper than 1,000 with a plain RuntimeException
            throw FhirException.badRequest("SG-FHIR-PATCH", "a JSON Patch is a JSON array of operations");
        }
        try (JsonReader reader = Json.createReader(new StringReader(resourceJson))) {
            JsonStructure target = reader.read();
            return Json.createPatch(operations).apply(target).toString();
        } catch (JsonException | ClassCastException e) {
            // a failed "test" operation, a missing path, or a malformed operation
            throw new FhirException(422, "processing", "SG-FHIR-PATCH", "the patch cannot be applied: " + e.getMessage());
        }
    }
}
