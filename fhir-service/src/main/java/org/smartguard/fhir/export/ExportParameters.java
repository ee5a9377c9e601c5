package org.smartguard.fhir.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.storage.FhirBodies;

/**
 * The kick-off's parameters, from the query string (GET) or a {@code Parameters} body (POST): {@code _outputFormat}
 * (NDJSON only), {@code _since}, {@code _type}, {@code _typeFilter} and {@code patient}. Anything else, such as
 * {@code _elements} or {@code includeAssociatedData}, is refused (400), or left out and reported with
 * {@code Prefer: handling=lenient}.
 *
 * @param types       the {@code _type} list, empty for every type
 * @param typeFilters {@code Type?query} searches
 * @param patients    ids of the {@code patient} references
 * @param ignored     what lenient handling left out, as sentences
 */
record ExportParameters(Instant since, List<String> types, List<String> typeFilters, List<String> patients, List<String> ignored) {

    static final Set<String> OUTPUT_FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");

    /** @param query the query string's parameters ({@code _format} is the format filter's) */
    static ExportParameters fromQuery(Map<String, List<String>> query, boolean lenient) {
        Builder builder = new Builder(lenient);
        query.forEach((name, values) -> {
            if (!name.equals("_format")) {
                values.forEach(value -> builder.add(name, value));
            }
        });
        return builder.build();
    }

    /** @param body a FHIR {@code Parameters} resource in JSON */
    static ExportParameters fromBody(String body, boolean lenient) {
        Parameters parameters = (Parameters) FhirBodies.parseJson(body, "Parameters");
        Builder builder = new Builder(lenient);
        for (ParametersParameterComponent parameter : parameters.getParameter()) {
            String value = parameter.getValue() instanceof Reference reference ? reference.getReference()
                    : parameter.getValue() == null ? null : parameter.getValue().primitiveValue();
            if (value == null) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-PARAM", "parameter " + parameter.getName() + " has no value");
            }
            builder.add(parameter.getName(), value);
        }
        return builder.build();
    }

    private static final class Builder {
        private final boolean lenient;
        private Instant since;
        private final List<String> types = new ArrayList<>();
        private final List<String> typeFilters = new ArrayList<>();
        private final List<String> patients = new ArrayList<>();
        private final List<String> ignored = new ArrayList<>();

        Builder(boolean lenient) {
            this.lenient = lenient;
        }

        void add(String name, String rawValue) {
            // a '+' that was not percent-encoded in a query string arrives as a space
            String value = rawValue.trim().replace(' ', '+');
            switch (name) {
                case "_outputFormat" -> {
                    if (!OUTPUT_FORMATS.contains(value.toLowerCase(Locale.ROOT))) {
                        refuse("SG-FHIR-EXPORT-FORMAT", "_outputFormat " + value + " is not supported: the output is NDJSON ("
                                + String.join(", ", OUTPUT_FORMATS.stream().sorted().toList()) + ")");
                    }
                }
                case "_since" -> since = instant(value);
                case "_type" -> split(value, ",").forEach(types::add);
                // several searches may share one value, comma-separated: a comma followed by "Type?" starts the next
                case "_typeFilter" -> split(value, ",(?=[A-Z][A-Za-z]+\\?)").forEach(typeFilters::add);
                case "patient" -> patients.add(patientId(value));
                default -> refuse("SG-FHIR-EXPORT-PARAM", "parameter " + name + " is not supported by this server's $export");
            }
        }

        private void refuse(String code, String why) {
            if (!lenient) {
                throw FhirException.badRequest(code, why + " (send Prefer: handling=lenient to have it ignored)");
            }
            ignored.add(why);
        }

        private static Instant instant(String value) {
            try {
                return new InstantType(value).getValue().toInstant();
            } catch (RuntimeException e) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-SINCE", "_since must be a FHIR instant, e.g. 2026-01-01T00:00:00Z");
            }
        }

        private static String patientId(String reference) {
            String id = reference.startsWith("Patient/") ? reference.substring("Patient/".length()) : "";
            if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-PATIENT", "patient must be a reference Patient/<id>");
            }
            return id;
        }

        private static List<String> split(String value, String separator) {
            return List.of(value.split(separator)).stream().map(String::trim).filter(part -> !part.isEmpty()).toList();
        }

        ExportParameters build() {
            return new ExportParameters(since, List.copyOf(types), List.copyOf(typeFilters), List.copyOf(patients), List.copyOf(ignored));
        }
    }
}
