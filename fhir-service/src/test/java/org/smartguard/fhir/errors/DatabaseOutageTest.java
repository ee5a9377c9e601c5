package org.smartguard.fhir.errors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

    @Test
    void aRefusedOrLostConnectionAnywhereInTheChainIsAnOutage() {
        assertTrue(DatabaseOutage.causes(new IllegalStateException(new SQLException("Connection refused", "08001"))));
        assertTrue(DatabaseOutage.causes(new RuntimeException(new SQLException("terminating connection", "57P01"))));
        assertTrue(DatabaseOutage.causes(new SQLTransientConnectionException("pool exhausted")));
    }

    @Test
    void otherSqlFailuresAndBugsAreNot() {
        assertFalse(DatabaseOutage.causes(new SQLException("unique violation", "23505")));
        assertFalse(DatabaseOutage.causes(new SQLException("no state")));
        assertFalse(DatabaseOutage.causes(new NullPointerException()));
    }
}
