package io.sluice.scorer.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class PollMergerTest {

    private static final Duration LONG = Duration.ofHours(1);

    /** A poll of records whose size is their value. */
    private static List<Integer> poll(Integer... sizes) {
        return List.of(sizes);
    }

    private static Flux<List<Integer>> merged(Flux<List<Integer>> polls, long budget, Duration wait) {
        return PollMerger.merge(polls, Integer::longValue, budget, wait, Schedulers.parallel());
    }

    @Test
    void smallPollsAreMergedInOrderUntilTheBudgetIsReached() {
        Flux<List<Integer>> polls = Flux.just(poll(10, 20), poll(30), poll(40), poll(5), poll(60), poll(1))
                .concatWith(Flux.never());

        StepVerifier.create(merged(polls, 100, LONG))
                .expectNext(List.of(10, 20, 30, 40)) // 100 bytes: closed at the budget
                .expectNoEvent(Duration.ofMillis(200)) // 5, 60, 1: 66 bytes, still open
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aPollOverTheBudgetIsPassedOnAloneAndNothingMoreIsPolledWithoutDemand() {
        AtomicLong requested = new AtomicLong();
        Flux<List<Integer>> polls = Flux.just(poll(500), poll(1), poll(2)).concatWith(Flux.never())
                .doOnRequest(requested::addAndGet);

        StepVerifier.create(merged(polls, 100, LONG), 0)
                .expectSubscription()
                .then(() -> assertThat(requested).as("polls requested before any demand").hasValue(0))
                .thenRequest(1)
                .expectNext(List.of(500))
                .then(() -> assertThat(requested).as("polls requested for one batch over the budget").hasValue(1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aPartialBatchIsClosedWhenTheWaitFromItsFirstPollRunsOut() {
        // The second poll arrives 30 ms after the first: the batch still closes 50 ms after the first.
        StepVerifier.withVirtualTime(() -> merged(Flux.just(poll(1))
                        .concatWith(Mono.delay(Duration.ofMillis(30)).thenReturn(poll(2)))
                        .concatWith(Flux.never()), 100, Duration.ofMillis(50)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(49))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(List.of(1, 2))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void batchesClosedWhileNobodyAsksWaitInOrderAndStopThePolling() {
        Sinks.Many<List<Integer>> polls = Sinks.many().unicast().onBackpressureBuffer();
        AtomicLong requested = new AtomicLong();

        StepVerifier.withVirtualTime(() -> merged(polls.asFlux().doOnRequest(requested::addAndGet), 100,
                        Duration.ofMillis(50)), 0)
                .expectSubscription()
                .thenRequest(1)
                .then(() -> polls.tryEmitNext(poll(1)))
                .thenAwait(Duration.ofMillis(50))
                .expectNext(List.of(1))
                // Nobody asks now: polls go on only while a batch is open, and stop once one batch
                // is closed and waiting (at most one closed and one open batch are held).
                .then(() -> polls.tryEmitNext(poll(2)))
                .thenAwait(Duration.ofMillis(50))
                .then(() -> polls.tryEmitNext(poll(3)))
                .thenAwait(Duration.ofMillis(50))
                .then(() -> assertThat(requested).as("polls requested").hasValue(3))
                .expectNoEvent(Duration.ofMillis(200))
                .thenRequest(2)
                .expectNext(List.of(2), List.of(3))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aBudgetOfZeroPassesEveryPollOnItsOwn() {
        StepVerifier.create(merged(Flux.just(poll(1), poll(2), poll(3)).concatWith(Flux.never()), 0, LONG))
                .expectNext(List.of(1), List.of(2), List.of(3))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void completionPassesOnWhatIsOpenFirst() {
        StepVerifier.create(merged(Flux.just(poll(1), poll(2)), 100, LONG))
                .expectNext(List.of(1, 2))
                .verifyComplete();
    }

    @Test
    void anErrorDropsWhatIsBufferedBecauseNoneOfItWasCommitted() {
        Flux<List<Integer>> polls = Flux.just(poll(1), poll(2))
                .concatWith(Flux.error(new IllegalStateException("consumer failed")));

        StepVerifier.create(merged(polls, 100, LONG))
                .expectErrorMessage("consumer failed")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowSubscriberGetsEveryRecordOnceInOrderWithinTheBudget() {
        int records = 20_000;
        // Polls of 1 to 7 records of 1 to 9 bytes, produced and taken on other threads than the
        // timer's, which closes some batches early.
        List<List<Integer>> polls = new ArrayList<>();
        int next = 0;
        while (next < records) {
            int n = Math.min(records - next, 1 + next % 7);
            polls.add(IntStream.range(next, next + n).boxed().toList());
            next += n;
        }
        Flux<List<Integer>> source = Flux.fromIterable(polls).publishOn(Schedulers.boundedElastic(), 1);
        long budget = 40;

        List<List<Integer>> batches = PollMerger.merge(source, r -> 1 + r % 9, budget, Duration.ofNanos(200_000),
                        Schedulers.parallel())
                .publishOn(Schedulers.single(), 1)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(batches.stream().flatMap(List::stream).toList())
                .isEqualTo(IntStream.range(0, records).boxed().toList());
        for (List<Integer> batch : batches) {
            // A batch never takes another poll once it reached the budget.
            List<Integer> lastPoll = polls.stream().filter(p -> p.contains(batch.get(batch.size() - 1))).findFirst()
                    .orElseThrow();
            long before = batch.subList(0, batch.size() - lastPoll.size()).stream().mapToLong(r -> 1 + r % 9).sum();
            assertThat(before).as("bytes before the batch's last poll").isLessThan(budget);
            assertThat(batch).endsWith(lastPoll.toArray(Integer[]::new));
        }
        assertThat(batches.size()).as("batches").isLessThan(polls.size());
    }
}
