package io.crashfree.releases.model;

/**
 * A commit author; authors are one per email within an organization.
 *
 * @param name the name as last given
 * @param email the email (lower case; the identity)
 */
public record Author(String name, String email)
{
}
