package org.smartguard.auth.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.users.AppUser;

/** What the database holds about a user, for assertions. */
@ApplicationScoped
public class StoredUsers {

    @Transactional
    public boolean exists(String username) {
        return AppUser.findByUsername(username).isPresent();
    }

    @Transactional
    public String passwordHash(String username) {
        return AppUser.findByUsername(username).orElseThrow().passwordHash;
    }
}
