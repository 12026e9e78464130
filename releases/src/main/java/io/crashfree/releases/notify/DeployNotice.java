package io.crashfree.releases.notify;

import io.crashfree.releases.model.Deploy;
import java.util.List;

/**
 * What a deploy email says and to whom.
 *
 * @param organization the organization's slug
 * @param version the release deployed
 * @param deploy the deploy
 * @param commitCount how many commits the release has
 * @param recipients the emails of the release's commit authors who are known users
 */
public record DeployNotice(String organization, String version, Deploy deploy, int commitCount,
                           List<String> recipients)
{
}
