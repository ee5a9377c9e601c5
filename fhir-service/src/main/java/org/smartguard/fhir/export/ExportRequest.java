package org.smartguard.fhir.export;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.smartguard.fhir.search.BulkSelection;
import org.smartguard.fhir.search.SearchUrl;

/**
 * What a job exports, fixed at kick-off and stored with the job (as JSON) so a restarted job exports the same:
 *
 * @param types       the types to write, in order, each one the token may search
 * @param typeFilters {@code _typeFilter} searches, {@code Type?query}
 * @param since       only resources changed after this instant, or null
 * @param patients    the patients whose compartments are exported (a Group's members, the {@code patient}
 *                    parameter), or null for every resource (system level) or any patient's (patient level)
 * @param notes       what lenient handling left out, reported as OperationOutcomes in the manifest's error file
 */
public record ExportRequest(ExportLevel level, String groupId, List<String> types, List<String> typeFilters, Instant since,
        List<String> patients, List<String> notes) {

    BulkSelection.Population population() {
        return level == ExportLevel.SYSTEM ? BulkSelection.Population.everything()
                : patients == null ? BulkSelection.Population.anyPatient() : BulkSelection.Population.of(patients);
    }

    /** The {@code _typeFilter} searches of one type, as search parameters. */
    List<Map<String, List<String>>> typeFilters(String type) {
        return typeFilters.stream().map(filter -> SearchUrl.parse(filter, null)).filter(search -> search.type().equals(type))
                .map(SearchUrl::query).toList();
    }

    /** The Group a group export reads, as an audit entity. */
    List<String> groupReference() {
        return groupId == null ? List.of() : List.of("Group/" + groupId);
    }
}
