-- 0020_directory_users (issue 19, directory sign-in): where a user's password is checked.
-- 'local': password_hash in this table (PBKDF2). 'directory': the LDAP/Active Directory server
-- of [ldap]; the row is created at the first directory sign-in, its role is set from the
-- user's groups at every sign-in, and password_hash holds a marker that no password matches.
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local'
    CHECK (source IN ('local', 'directory'));
