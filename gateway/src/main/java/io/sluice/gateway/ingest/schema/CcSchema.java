package io.sluice.gateway.ingest.schema;

import static io.sluice.gateway.ingest.schema.Rules.SHORT;
import static io.sluice.gateway.ingest.schema.Rules.TEXT;
import static io.sluice.gateway.ingest.schema.Rules.bool;
import static io.sluice.gateway.ingest.schema.Rules.country;
import static io.sluice.gateway.ingest.schema.Rules.integer;
import static io.sluice.gateway.ingest.schema.Rules.ipAddress;
import static io.sluice.gateway.ingest.schema.Rules.number;
import static io.sluice.gateway.ingest.schema.Rules.numberAbove;
import static io.sluice.gateway.ingest.schema.Rules.object;
import static io.sluice.gateway.ingest.schema.Rules.oneOf;
import static io.sluice.gateway.ingest.schema.Rules.required;
import static io.sluice.gateway.ingest.schema.Rules.string;
import static io.sluice.gateway.ingest.schema.Rules.stringArray;
import static io.sluice.gateway.ingest.schema.Rules.timestamp;
import static io.sluice.gateway.ingest.schema.Rules.timezone;

import java.util.Map;

/**
 * The CC dialect's field types, from {@code ../shared/api/cc-ingest.md}. Every field the seed
 * shows is typed; fields it does not show are kept as sent. docs/api.md lists the same table.
 */
public final class CcSchema {

    private static final long MAX_INT = Integer.MAX_VALUE;
    private static final double MAX_NUM = 1e12;

    public static final BlockSchema USER = BlockSchema.builder()
            .field("id", string(SHORT))
            .field("anonymous_id", string(SHORT))
            // Length only: clients often send masked or placeholder addresses, and the seed's own
            // example ("[email protected]") is not an address; rejecting data is worse here.
            .field("email", string(254))
            .field("name", string(SHORT))
            .field("phone", string(64))
            .field("age", integer(0, 150))
            .field("gender", string(64))
            .field("language", string(35))
            .field("plan", string(SHORT))
            .field("created_at", timestamp())
            .field("custom", object())
            .build();

    public static final BlockSchema DEVICE = BlockSchema.builder()
            .field("type", string(64))
            .field("model", string(SHORT))
            .field("os", string(64))
            .field("os_version", string(64))
            .field("manufacturer", string(SHORT))
            .field("screen_width", integer(0, 100_000))
            .field("screen_height", integer(0, 100_000))
            .field("screen_density", numberAbove(0))
            .field("battery_level", number(0, 1))
            .field("low_power_mode", bool())
            .field("network_type", string(64))
            .field("carrier", string(SHORT))
            .field("browser", string(64))
            .field("browser_version", string(64))
            .field("user_agent", string(2048))
            .build();

    public static final BlockSchema LOCATION = BlockSchema.builder()
            .field("country", country())
            .field("country_name", string(SHORT))
            .field("region", string(SHORT))
            .field("city", string(SHORT))
            .field("postcode", string(32))
            .field("timezone", timezone())
            .field("latitude", number(-90, 90))
            .field("longitude", number(-180, 180))
            .field("accuracy_metres", number(0, 1e8))
            .field("ip_address", ipAddress())
            .build();

    /** Payload schema per event type; the keys are the accepted types. */
    public static final Map<String, BlockSchema> PAYLOADS = Map.of(
            "crash", BlockSchema.builder()
                    .field("exception", string(SHORT))
                    .field("stack_trace", string(TEXT))
                    .field("fatal", bool())
                    .field("os_version", string(64))
                    .field("device_model", string(SHORT))
                    .build(),
            "anr", BlockSchema.builder()
                    .field("screen", string(SHORT))
                    .field("blocked_ms", integer(0, MAX_INT))
                    .field("thread", string(SHORT))
                    .build(),
            "network_error", BlockSchema.builder()
                    .field("endpoint", string(2048))
                    .field("status_code", integer(0, 999))
                    .field("latency_ms", number(0, MAX_NUM))
                    .field("network_type", string(64))
                    .field("retries", integer(0, 1000))
                    .build(),
            "slow_render", BlockSchema.builder()
                    .field("screen", string(SHORT))
                    .field("fps", number(0, 1000))
                    .field("jank_frames", integer(0, MAX_INT))
                    .field("duration_ms", number(0, MAX_NUM))
                    .build(),
            "page_hit", BlockSchema.builder()
                    .field("screen", string(SHORT))
                    .field("referrer", string(2048))
                    .field("load_time_ms", number(0, MAX_NUM))
                    .field("is_first_visit", bool())
                    .build(),
            "click", BlockSchema.builder()
                    .field("element_id", string(SHORT))
                    .field("element_type", string(64))
                    .field("label", string(SHORT))
                    .field("screen", string(SHORT))
                    .field("x", number(-MAX_NUM, MAX_NUM))
                    .field("y", number(-MAX_NUM, MAX_NUM))
                    .build(),
            "friction", BlockSchema.builder()
                    .field("signal", string(64))
                    .field("element_id", string(SHORT))
                    .field("tap_count", integer(0, MAX_INT))
                    .field("screen", string(SHORT))
                    .build(),
            "custom", BlockSchema.builder()
                    .field("name", string(SHORT))
                    .build(),
            "agent_report", BlockSchema.builder()
                    .field("agent_id", required(string(SHORT)))
                    .field("status", required(oneOf("investigating", "working_on_it", "fixed", "wont_fix", "needs_human")))
                    .field("summary", required(string(TEXT)))
                    .field("signal_ids", stringArray(100, SHORT))
                    .field("alert_ids", stringArray(100, SHORT))
                    .field("root_cause", string(TEXT))
                    .field("fix_applied", string(TEXT))
                    .field("confidence", number(0, 1))
                    .field("next_action", string(TEXT))
                    .build());

    private CcSchema() {
    }
}
