package org.smartguard.fhir.export;

/** The three kick-off endpoints: {@code /$export}, {@code /Patient/$export}, {@code /Group/{id}/$export}. */
public enum ExportLevel {
    /** Every resource the token may search. */
    SYSTEM,
    /** The resources in any patient's compartment (or the named patients'). */
    PATIENT,
    /** The resources in the compartments of a Group's members. */
    GROUP
}
