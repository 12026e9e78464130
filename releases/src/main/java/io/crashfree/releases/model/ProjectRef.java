package io.crashfree.releases.model;

/**
 * A project a release is linked to.
 *
 * @param id the project's registry id
 * @param slug the project's slug (its name in the API)
 */
public record ProjectRef(long id, String slug)
{
}
