package io.sluice.gateway.web;

import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document shows Jackson trees (alert bodies built as JSON, signal payloads) as free
 * JSON objects; introspecting them as beans logs a stack trace at every startup.
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
