package io.crashfree.releases.auth;

/** What a request does to the registry, which decides the scopes it needs. */
public enum Access
{
    /** Reads: needs {@code org:read}, {@code project:read} or {@code project:releases}. */
    READ,
    /** Writes: needs {@code project:releases}. */
    WRITE
}
