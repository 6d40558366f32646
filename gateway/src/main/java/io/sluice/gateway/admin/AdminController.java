package io.sluice.gateway.admin;

import io.sluice.common.auth.ApiKeys;
import io.sluice.common.id.Ids;
import io.sluice.gateway.admin.AdminRequests.KeyFields;
import io.sluice.gateway.admin.AdminViews.CreatedKeyView;
import io.sluice.gateway.admin.AdminViews.KeyList;
import io.sluice.gateway.admin.AdminViews.KeyView;
import io.sluice.gateway.admin.AdminViews.ProjectList;
import io.sluice.gateway.admin.AdminViews.ProjectView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/v1}: projects (name, plan, monthly quota, allowed app ids) and their keys (scopes,
 * rate limits, revocation). A key's secret appears once, in the answer that creates it.
 */
@RestController
@RequestMapping("/admin/v1")
public class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);

    private final AdminRepository repository;

    public AdminController(AdminRepository repository) {
        this.repository = repository;
    }

    @PostMapping("/projects")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ProjectView> createProject(@RequestBody JsonNode body) {
        AdminRequests.ProjectFields fields = AdminRequests.project(body, true);
        String id = fields.id() != null ? fields.id() : Ids.next("prj_", System.currentTimeMillis()).toLowerCase();
        return repository.createProject(id, fields).doOnNext(p -> log.info("project {} created", p.id()));
    }

    @GetMapping("/projects")
    public Mono<ProjectList> projects() {
        return repository.projects().collectList().map(ProjectList::new);
    }

    @GetMapping("/projects/{id}")
    public Mono<ProjectView> project(@PathVariable String id) {
        return repository.project(id);
    }

    @PatchMapping("/projects/{id}")
    public Mono<ProjectView> updateProject(@PathVariable String id, @RequestBody JsonNode body) {
        return repository.updateProject(id, AdminRequests.project(body, false))
                .doOnNext(p -> log.info("project {} updated", p.id()));
    }

    @PostMapping("/projects/{id}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<CreatedKeyView> createKey(@PathVariable String id, @RequestBody JsonNode body) {
        KeyFields fields = AdminRequests.key(body, true);
        String keyId = Ids.next("key_", System.currentTimeMillis());
        // SecureRandom may read the OS entropy source: off the event loop.
        return Mono.fromCallable(ApiKeys::generate).subscribeOn(Schedulers.boundedElastic())
                .flatMap(secret -> repository.createKey(keyId, id, fields, ApiKeys.hash(secret), ApiKeys.displayPrefix(secret))
                        .map(k -> new CreatedKeyView(k.id(), k.projectId(), k.name(), k.prefix(), k.scopes(),
                                k.rateLimit(), k.createdAt(), secret)))
                .doOnNext(k -> log.info("key {} ({}) created for project {}", k.id(), k.prefix(), k.projectId()));
    }

    /** {@code {"project_id", "from", "to", "days": {"2026-11-23": {"email": 12, ...}}}}: names and counts only. */
    @GetMapping("/projects/{id}/pii-audit")
    public Mono<java.util.Map<String, Object>> piiAudit(@PathVariable String id,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String from,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String to) {
        java.time.LocalDate last = to == null ? java.time.LocalDate.now(java.time.ZoneOffset.UTC) : day("to", to);
        java.time.LocalDate first = from == null ? last.minusDays(30) : day("from", from);
        return repository.project(id).then(repository.piiAudit(id, first, last))
                .map(days -> java.util.Map.of("project_id", id, "from", first.toString(), "to", last.toString(), "days", days));
    }

    private static java.time.LocalDate day(String name, String value) {
        try {
            return java.time.LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw io.sluice.gateway.error.ApiException.badRequest("invalid_" + name, name + " must be YYYY-MM-DD.");
        }
    }

    @GetMapping("/projects/{id}/keys")
    public Mono<KeyList> keys(@PathVariable String id) {
        return repository.keys(id).collectList().map(KeyList::new);
    }

    @PatchMapping("/keys/{keyId}")
    public Mono<KeyView> updateKey(@PathVariable String keyId, @RequestBody JsonNode body) {
        return repository.updateKey(keyId, AdminRequests.key(body, false))
                .doOnNext(k -> log.info("key {} updated", k.id()));
    }

    @PostMapping("/keys/{keyId}/revoke")
    public Mono<KeyView> revoke(@PathVariable String keyId) {
        return repository.revokeKey(keyId).doOnNext(k -> log.info("key {} ({}) revoked", k.id(), k.prefix()));
    }
}
