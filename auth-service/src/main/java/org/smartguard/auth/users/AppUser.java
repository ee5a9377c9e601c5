package org.smartguard.auth.users;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A person who logs in: a patient ({@code fhirUser = Patient/<id>}) or a practitioner ({@code Practitioner/<id>}). */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    @Id
    @Column(length = 128)
    public String username;

    /** bcrypt ({@code $2y$...}). */
    @Column(name = "password_hash", nullable = false, length = 80)
    public String passwordHash;

    /** The user's FHIR resource, {@code Patient/<id>} or {@code Practitioner/<id>}. */
    @Column(name = "fhir_user", nullable = false, length = 200)
    public String fhirUser;

    @Column(name = "display_name", length = 200)
    public String displayName;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt = Instant.now();

    public static Optional<AppUser> findByUsername(String username) {
        return username == null ? Optional.empty() : findByIdOptional(username);
    }

    public boolean isPatient() {
        return fhirUser.startsWith("Patient/");
    }

    /** The bare patient id of a patient user. */
    public String patientId() {
        return isPatient() ? fhirUser.substring("Patient/".length()) : null;
    }
}
