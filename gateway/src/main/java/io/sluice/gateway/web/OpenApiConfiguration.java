package io.sluice.gateway.web;

import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document shows Jackson trees (signal payloads, request bodies read as trees) as free
 * JSON objects; introspecting them as beans logs a stack trace at every startup. A response built
 * as a tree is introspected before these replacements apply, so its operation declares its schema
 * itself ({@code @ApiResponse}, as the alert endpoints do).
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static {
        SpringDocUtils.getConfig()
                .replaceWithClass(ObjectNode.class, Object.class)
                .replaceWithClass(ArrayNode.class, Object.class)
                .replaceWithClass(JsonNode.class, Object.class);
    }
}
