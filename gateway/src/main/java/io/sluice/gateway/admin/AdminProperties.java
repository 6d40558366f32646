package io.sluice.gateway.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API ({@code sluice.admin.*}).
 *
 * @param token bearer token that guards {@code /admin/v1/**} (env {@code SLUICE_ADMIN_TOKEN}).
 *              Unset (the default): the admin API answers 401 to everyone.
 */
@ConfigurationProperties("sluice.admin")
public record AdminProperties(String token) {
}
