package io.tracestore.testing;

import static io.tracestore.testing.Catalog.*;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Generates realistic OpenTelemetry traces of a simulated microservice online shop, for tests,
 * benchmarks and demos.
 *
 * <p><b>Determinism.</b> The output depends only on the {@link WorkloadConfig} (including its seed):
 * two generators built from equal configs produce equal spans, call for call, on any JVM. A
 * generator is <b>not thread-safe</b>; use one instance per thread (give each its own seed).
 *
 * <p><b>What the traces look like.</b> Requests arrive at the {@code frontend} service as a Poisson
 * process ({@link WorkloadConfig#tracesPerSecond()}) starting at {@link
 * WorkloadConfig#startUnixNano()}: {@code GET /}, {@code GET /product/{id}}, {@code GET /cart},
 * {@code POST /cart}, {@code POST /checkout}, {@code GET /search}, {@code POST /setCurrency}. The
 * frontend calls {@code checkout}, {@code cart}, {@code product-catalog}, {@code currency}, {@code
 * shipping}, {@code recommendation}; checkout calls {@code payment}, {@code shipping}, {@code email}
 * and publishes an order to Kafka, which {@code accounting} and {@code fraud-detection} consume in
 * traces of their own whose root {@code CONSUMER} span links to the producer span. Every outgoing
 * call is a {@code CLIENT} span with the callee's {@code SERVER} span as its child; databases
 * ({@code postgres}, {@code redis}) and external APIs appear as {@code CLIENT} leaf spans, hand-written
 * work as {@code INTERNAL} spans. Children start after and end before their parent; durations are
 * log-normal (a few ms for databases, tens of ms for services, rare multi-second outliers).
 *
 * <p>Spans carry 5 to 20 attributes of every {@link AttributeValue.Type type} following OpenTelemetry
 * semantic conventions ({@code http.*}, {@code rpc.*}, {@code db.*}, {@code messaging.*}) plus
 * shop attributes ({@code user.id}, {@code session.id}, {@code cart.items}, {@code order.amount},
 * {@code feature.flag.enabled}, {@code payload.hash}, {@code tags}, {@code retry.policy}). Each
 * service has {@link WorkloadConfig#instancesPerService()} instances, each with one shared {@link
 * Resource} instance. A share {@link WorkloadConfig#errorRate()} of traces contains a failure: an
 * {@code ERROR} span with an {@code exception} event, whose error status propagates up some of its
 * ancestors (with 5xx {@code http.status_code}s). Span flags are {@code 0x101} (sampled, parent
 * locality known) or {@code 0x301} for spans whose parent is in another process.
 *
 * <p>Span ids are unique within a trace and never zero; trace ids are never all-zero.
 */
public final class WorkloadGenerator {

  // span types
  private static final byte T_HTTP_SERVER = 0;
  private static final byte T_HTTP_CLIENT = 1;
  private static final byte T_RPC_SERVER = 2;
  private static final byte T_RPC_CLIENT = 3;
  private static final byte T_SQL = 4;
  private static final byte T_REDIS = 5;
  private static final byte T_PRODUCER = 6;
  private static final byte T_CONSUMER = 7;
  private static final byte T_INTERNAL = 8;
  private static final byte T_EXTERNAL = 9;
  private static final byte T_SMTP = 10;

  private static final int FLAGS_LOCAL_PARENT = 0x101;
  private static final int FLAGS_REMOTE_PARENT = 0x301;
  private static final int KAFKA_PARTITIONS = 12;
  private static final double DB_OUTLIER_PROBABILITY = 0.0005;
  private static final double EXTERNAL_OUTLIER_PROBABILITY = 0.004;
  private static final double CONSUMER_LAG_OUTLIER_PROBABILITY = 0.01;
  private static final int PRODUCTS = 500;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final char[] ALNUM_LOWER = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
  private static final AttributeValue SHOP = AttributeValue.of("shop");
  private static final AttributeValue USD = CURRENCY_VALUES[0];

  private static final int[] SHOP_ROUTES = {F_HOME, F_PRODUCT, F_CART_VIEW, F_CART_ADD, F_CHECKOUT, F_SET_CURRENCY, F_SEARCH};
  private static final double[] SHOP_WEIGHTS = {0.14, 0.36, 0.17, 0.14, 0.10, 0.03, 0.06};
  private static final int[] BROWSE_ROUTES = {F_HOME, F_PRODUCT, F_SEARCH};
  private static final double[] BROWSE_WEIGHTS = {0.25, 0.6, 0.15};

  private final WorkloadConfig config;
  private final Rng rng;
  private final Instance[][] instances;
  private final AttributeValue[] productIds;
  private final String[] productIdTexts;
  private final double[] productPrices;
  private final long[] kafkaOffsets = new long[KAFKA_PARTITIONS];
  private final double meanArrivalGapNanos;
  private final int[] routes;
  private final double[] cumulativeWeights;
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(Comparator.comparingLong(Pending::start).thenComparingLong(Pending::seq));
  private long pendingSeq;
  private long nextArrival;
  private long tracesGenerated;
  private long spansGenerated;

  // ---- per-trace state ----
  private final ArrayList<Node> pool = new ArrayList<>();
  private int size;
  private TraceId traceId;
  private long spanIdBase;
  private long spanIdCounter;
  private TraceId previousTraceId;
  private SpanId previousRootSpanId;
  private String traceState;
  private AttributeValue userId;
  private String userIdText;
  private AttributeValue sessionId;
  private boolean baggage;
  private int currency;
  private boolean featureFlag;
  private int items;
  private final int[] cart = new int[8];
  private double orderAmountUsd;
  private AttributeValue orderId;
  private AttributeValue clientAddress;
  private AttributeValue userAgent;
  private AttributeValue tags;
  private int currentProduct;
  private final ArrayList<Attribute> attrs = new ArrayList<>(32);

  /** A generator with {@link WorkloadConfig#defaults()} but the given seed. */
  public WorkloadGenerator(long seed) {
    this(WorkloadConfig.ofSeed(seed));
  }

  /** A generator for {@code config}; equal configs give identical output. */
  public WorkloadGenerator(WorkloadConfig config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.rng = new Rng(config.seed());
    this.nextArrival = config.startUnixNano();
    this.meanArrivalGapNanos = 1e9 / config.tracesPerSecond();
    if (config.topology() == Topology.BROWSE_ONLY) {
      routes = BROWSE_ROUTES;
      cumulativeWeights = cumulative(BROWSE_WEIGHTS);
    } else {
      routes = SHOP_ROUTES;
      cumulativeWeights = cumulative(SHOP_WEIGHTS);
    }
    Service[] services = Service.values();
    instances = new Instance[services.length][];
    for (Service s : services) {
      instances[s.ordinal()] = new Instance[config.instancesPerService()];
      for (int i = 0; i < config.instancesPerService(); i++) {
        instances[s.ordinal()][i] = newInstance(s);
      }
    }
    productIds = new AttributeValue[PRODUCTS];
    productIdTexts = new String[PRODUCTS];
    productPrices = new double[PRODUCTS];
    for (int i = 0; i < PRODUCTS; i++) {
      productIdTexts[i] = randomChars(ALNUM_UPPER, 10);
      productIds[i] = AttributeValue.of(productIdTexts[i]);
      productPrices[i] = Math.round(rng.lognormal(4000, 1.0)) / 100.0;
    }
    for (int p = 0; p < KAFKA_PARTITIONS; p++) {
      kafkaOffsets[p] = 1_000_000L + rng.nextInt(5_000_000);
    }
  }

  /**
   * Generates {@code spans} spans (at least; whole traces) with the default config and the given
   * seed, trace by trace, each trace's spans parents first.
   */
  public static List<Span> generate(long seed, int spans) {
    return new WorkloadGenerator(seed).nextSpans(spans);
  }

  /** This generator's configuration. */
  public WorkloadConfig config() {
    return config;
  }

  /** Number of traces generated so far. */
  public long tracesGenerated() {
    return tracesGenerated;
  }

  /** Number of spans generated so far. */
  public long spansGenerated() {
    return spansGenerated;
  }

  /** The next trace. */
  public Trace nextTrace() {
    List<Span> spans = nextTraceSpans();
    return new Trace(spans.get(0).traceId(), spans);
  }

  /** The next {@code n} traces. */
  public List<Trace> nextTraces(int n) {
    List<Trace> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(nextTrace());
    }
    return out;
  }

  /**
   * The spans of the next trace, parents before children (cheaper than {@link #nextTrace()}, which
   * also indexes the trace). Never empty; the first span is the root.
   */
  public List<Span> nextTraceSpans() {
    beginTrace();
    Pending p = pending.peek();
    if (p != null && p.start() <= nextArrival) {
      pending.poll();
      buildConsumerTrace(p);
    } else {
      long t = nextArrival;
      nextArrival += 1 + (long) rng.exponential(meanArrivalGapNanos);
      buildRequestTrace(t);
    }
    if (rng.chance(config.errorRate())) {
      injectError();
    }
    List<Span> spans = emit();
    previousTraceId = traceId;
    previousRootSpanId = spans.get(0).spanId();
    tracesGenerated++;
    spansGenerated += spans.size();
    return spans;
  }

  /**
   * Whole traces, one after the other, until at least {@code minCount} spans are collected: the
   * result holds between {@code minCount} and {@code minCount} plus one trace's spans. Empty if
   * {@code minCount <= 0}.
   */
  public List<Span> nextSpans(long minCount) {
    List<Span> out = new ArrayList<>((int) Math.min(Math.max(minCount, 0) + 64, Integer.MAX_VALUE - 8));
    while (out.size() < minCount) {
      out.addAll(nextTraceSpans());
    }
    return out;
  }

  /**
   * A lazy stream of the spans of whole traces, trace by trace (parents first within a trace),
   * ending after the trace that brings the total to at least {@code count}. Generation happens as
   * the stream is consumed, on the consuming thread; the stream is sequential.
   */
  public Stream<Span> spans(long count) {
    Iterator<Span> it = new Iterator<>() {
      private long emitted;
      private List<Span> current = List.of();
      private int index;

      @Override
      public boolean hasNext() {
        if (index < current.size()) {
          return true;
        }
        if (emitted >= count) {
          return false;
        }
        current = nextTraceSpans();
        index = 0;
        return true;
      }

      @Override
      public Span next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        emitted++;
        return current.get(index++);
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  // =================================================================================================
  // trace construction
  // =================================================================================================

  private void beginTrace() {
    size = 0;
    long hi;
    long lo;
    do {
      hi = rng.nextLong();
      lo = rng.nextLong();
    } while (hi == 0 && lo == 0);
    traceId = TraceId.of(hi, lo);
    spanIdBase = rng.nextLong();
    spanIdCounter = 0;
    orderId = null;
    orderAmountUsd = 0;
  }

  private void buildRequestTrace(long t) {
    traceState = rng.chance(0.08) ? rng.pick(TRACE_STATES) : "";
    boolean loggedIn = rng.chance(0.7);
    userIdText = loggedIn ? "user-" + rng.nextInt(1_000_000) : "anonymous";
    userId = loggedIn ? AttributeValue.of(userIdText) : null;
    sessionId = AttributeValue.of(hex(rng.nextLong(), 16) + hex(rng.nextLong(), 16));
    baggage = rng.chance(0.6);
    currency = rng.chance(0.6) ? 0 : rng.nextInt(CURRENCIES.length);
    featureFlag = rng.chance(0.3);
    items = rng.between(1, cart.length - 2);
    for (int i = 0; i < items; i++) {
      cart[i] = rng.nextInt(PRODUCTS);
    }
    clientAddress = AttributeValue.of("203.0." + rng.nextInt(256) + "." + rng.nextInt(256));
    userAgent = rng.pick(USER_AGENTS);
    tags = rng.pick(TAGS);
    int route;
    if (rng.chance(config.hugeTraceProbability())) {
      route = F_REPORT;
    } else {
      double u = rng.nextDouble();
      route = routes[routes.length - 1];
      for (int i = 0; i < routes.length; i++) {
        if (u < cumulativeWeights[i]) {
          route = routes[i];
          break;
        }
      }
    }
    serve(-1, ENDPOINTS[route], t);
    Node root = pool.get(0);
    if (previousTraceId != null && rng.chance(0.01)) {
      root.linkTrace = previousTraceId;
      root.linkSpan = previousRootSpanId;
      root.linkState = "";
    }
  }

  private void buildConsumerTrace(Pending p) {
    traceState = p.traceState();
    userId = p.userId();
    userIdText = userId == null ? "anonymous" : userId.asText();
    sessionId = p.sessionId();
    baggage = p.baggage();
    currency = p.currency();
    featureFlag = false;
    items = p.items();
    orderId = p.orderId();
    orderAmountUsd = p.amountUsd();
    Instance inst = instance(p.consumer());
    int c = add(-1, T_CONSUMER, "orders process", SpanKind.CONSUMER, inst, inst.service.scope(SC_KAFKA), p.start());
    Node root = pool.get(c);
    root.linkTrace = p.producerTrace();
    root.linkSpan = p.producerSpan();
    root.linkState = p.traceState();
    root.partition = p.partition();
    root.offset = p.offset();
    root.payloadSeed = p.payloadSeed();
    long cur = p.start() + gap();
    if (p.consumer() == Service.ACCOUNTING) {
      int s = beginInternal(c, "SaveOrder", "Accounting.OrderRepository", cur);
      long t = pool.get(s).start + gap();
      t = db(s, SQL_INSERT_ORDER, t);
      for (int i = 0; i < items; i++) {
        t = db(s, SQL_INSERT_ORDER_ITEM, t + gap());
      }
      cur = endAt(s, t + gap());
    } else {
      cur = db(c, SQL_FRAUD_HISTORY, cur);
      cur = db(c, REDIS_RATE, cur + gap());
      cur = leaf(c, "scoreOrder", "com.example.shop.fraud.RiskModel", 1.5e6, cur + gap());
    }
    endAt(c, cur + rng.lognormal(300_000, 0.6));
  }

  /** A server span of {@code ep} under {@code parent} (a client span, or -1 for a root); returns its end. */
  private long serve(int parent, Endpoint ep, long start) {
    Instance inst = instance(ep.service);
    int s = add(parent, ep.http ? T_HTTP_SERVER : T_RPC_SERVER, ep.serverName, SpanKind.SERVER, inst,
        inst.service.scope(ep.http ? SC_HTTP_SERVER : SC_GRPC_SERVER), start);
    Node n = pool.get(s);
    n.ep = ep;
    n.remoteParent = parent >= 0;
    if (ep.id == PC_GET) {
      n.product = currentProduct;
    }
    long cur = start + gap() + rng.lognormal(ep.workNanos * 0.3, 0.5);
    cur = handle(ep, s, cur);
    cur += rng.lognormal(ep.workNanos * 0.7, 0.6);
    n.end = cur;
    return cur;
  }

  /** A client span from {@code parent}'s service calling {@code ep}, with the callee's server span; returns its end. */
  private long call(int parent, Endpoint ep, long start) {
    Instance from = pool.get(parent).inst;
    int c = add(parent, ep.http ? T_HTTP_CLIENT : T_RPC_CLIENT, ep.clientName, SpanKind.CLIENT, from,
        from.service.scope(ep.http ? SC_HTTP_CLIENT : SC_GRPC_CLIENT), start);
    Node n = pool.get(c);
    n.ep = ep;
    if (ep.id == PC_GET) {
      n.product = currentProduct;
    }
    long serverEnd = serve(c, ep, start + net());
    n.end = serverEnd + net();
    return n.end;
  }

  /** {@code count} calls of {@code ep}, in parallel or one after the other; returns when all ended. */
  private long fanOut(int parent, Endpoint ep, int count, long cur) {
    boolean parallel = rng.chance(0.5);
    long max = cur;
    for (int i = 0; i < count; i++) {
      currentProduct = cart[i % items];
      if (parallel) {
        max = Math.max(max, call(parent, ep, cur + rng.lognormal(30_000, 0.8)));
      } else {
        cur = call(parent, ep, cur + gap());
        max = cur;
      }
    }
    return max + gap();
  }

  private long handle(Endpoint ep, int s, long cur) {
    Node self = pool.get(s);
    switch (ep.id) {
      case F_HOME -> {
        cur = call(s, ENDPOINTS[CUR_SUPPORTED], cur);
        cur = call(s, ENDPOINTS[PC_LIST], cur + gap());
        if (currency != 0) {
          cur = fanOut(s, ENDPOINTS[CUR_CONVERT], rng.between(3, 8), cur);
        }
        if (config.topology() == Topology.ONLINE_SHOP && rng.chance(0.5)) {
          cur = call(s, ENDPOINTS[CART_GET], cur + gap());
        }
      }
      case F_PRODUCT -> {
        currentProduct = rng.nextInt(PRODUCTS);
        self.product = currentProduct;
        if (rng.chance(0.02)) {
          self.httpStatus = 404;
          return cur;
        }
        cur = call(s, ENDPOINTS[PC_GET], cur);
        cur = call(s, ENDPOINTS[RECO_LIST], cur + gap());
        if (currency != 0) {
          cur = call(s, ENDPOINTS[CUR_CONVERT], cur + gap());
        }
        if (config.topology() == Topology.ONLINE_SHOP && rng.chance(0.4)) {
          cur = call(s, ENDPOINTS[CART_GET], cur + gap());
        }
      }
      case F_CART_VIEW -> {
        cur = call(s, ENDPOINTS[CART_GET], cur);
        cur = fanOut(s, ENDPOINTS[PC_GET], items, cur);
        if (currency != 0) {
          cur = fanOut(s, ENDPOINTS[CUR_CONVERT], items, cur);
        }
        cur = call(s, ENDPOINTS[SHIP_QUOTE], cur + gap());
        if (rng.chance(0.5)) {
          cur = call(s, ENDPOINTS[RECO_LIST], cur + gap());
        }
      }
      case F_CART_ADD -> {
        currentProduct = cart[0];
        self.product = currentProduct;
        cur = call(s, ENDPOINTS[PC_GET], cur);
        cur = call(s, ENDPOINTS[CART_ADD], cur + gap());
        self.httpStatus = 302;
      }
      case F_CHECKOUT -> {
        orderId = AttributeValue.of(uuid());
        orderAmountUsd = 0;
        for (int i = 0; i < items; i++) {
          orderAmountUsd += productPrices[cart[i]];
        }
        cur = call(s, ENDPOINTS[CO_PLACE], cur);
      }
      case F_SET_CURRENCY -> {
        cur = call(s, ENDPOINTS[CUR_SUPPORTED], cur);
        self.httpStatus = 302;
      }
      case F_SEARCH -> {
        cur = call(s, ENDPOINTS[PC_SEARCH], cur);
        if (currency != 0 && rng.chance(0.5)) {
          cur = fanOut(s, ENDPOINTS[CUR_CONVERT], rng.between(2, 6), cur);
        }
      }
      case F_REPORT -> {
        int min = config.hugeTraceMinSpans();
        int target = min + rng.nextInt(min * 3);
        int r = beginInternal(s, "buildInventoryReport", "com.example.shop.frontend.ReportController", cur);
        long t = pool.get(r).start + gap();
        int k = rng.nextInt(PRODUCTS);
        while (size < target) {
          currentProduct = k++ % PRODUCTS;
          t = call(r, ENDPOINTS[PC_GET], t + gap());
          if ((k & 3) == 0) {
            t = call(r, ENDPOINTS[CUR_CONVERT], t + gap());
          }
        }
        cur = endAt(r, t + rng.lognormal(5e6, 0.5));
      }
      case PC_GET -> {
        cur = db(s, REDIS_GET, cur);
        if (rng.chance(0.35)) {
          self.addEvent(SpanEvent.of(cur, "cache miss",
              Attributes.of(Attribute.of("cache.key", "product:" + productIdTexts[self.product]))));
          cur = db(s, SQL_PRODUCT_BY_ID, cur + gap());
          cur = db(s, REDIS_SET, cur + gap());
        }
      }
      case PC_LIST -> cur = db(s, SQL_PRODUCT_LIST, cur);
      case PC_SEARCH -> cur = db(s, SQL_PRODUCT_SEARCH, cur);
      case CUR_CONVERT -> {
        if (rng.chance(0.3)) {
          cur = leaf(s, "convert", "currency.service", 300_000, cur);
        }
      }
      case CUR_SUPPORTED -> {
        // pure computation
      }
      case CART_GET -> cur = db(s, REDIS_HGETALL, cur);
      case CART_ADD -> {
        cur = db(s, REDIS_HSET, cur);
        cur = db(s, REDIS_EXPIRE, cur + gap());
      }
      case CART_EMPTY -> cur = db(s, REDIS_DEL, cur);
      case CO_PLACE -> {
        int prep = beginInternal(s, "prepareOrderItemsAndShippingQuoteFromCart",
            "com.example.shop.checkout.CheckoutService", cur);
        long t = pool.get(prep).start + gap();
        t = call(prep, ENDPOINTS[CART_GET], t);
        t = fanOut(prep, ENDPOINTS[PC_GET], items, t);
        if (currency != 0) {
          t = fanOut(prep, ENDPOINTS[CUR_CONVERT], items, t);
        }
        t = call(prep, ENDPOINTS[SHIP_QUOTE], t + gap());
        cur = endAt(prep, t + gap());
        cur = call(s, ENDPOINTS[PAY_CHARGE], cur + gap());
        cur = call(s, ENDPOINTS[SHIP_ORDER], cur + gap());
        cur = call(s, ENDPOINTS[CART_EMPTY], cur + gap());
        cur = call(s, ENDPOINTS[EMAIL_CONFIRM], cur + gap());
        self.addEvent(SpanEvent.of(cur, "order placed", Attributes.of(
            new Attribute("order.id", orderId), new Attribute("log.severity", INFO))));
        if (config.topology() == Topology.ONLINE_SHOP) {
          cur = produce(s, cur + gap());
        }
      }
      case PAY_CHARGE -> {
        cur = leaf(s, "validateCreditCard", "charge", 250_000, cur);
        int x = add(s, T_EXTERNAL, "POST", SpanKind.CLIENT, self.inst, self.inst.service.scope(SC_HTTP_CLIENT),
            cur + gap());
        Node ext = pool.get(x);
        long d = rng.chance(EXTERNAL_OUTLIER_PROBABILITY) ? rng.lognormal(3.5e9, 0.3) : rng.lognormal(180e6, 0.35);
        ext.end = ext.start + d;
        cur = db(s, SQL_INSERT_TX, ext.end + gap());
      }
      case SHIP_QUOTE -> cur = leaf(s, "calculateQuote", "shipping.quote", 400_000, cur);
      case SHIP_ORDER -> {
        cur = leaf(s, "createTrackingId", "shipping.tracking", 100_000, cur);
        cur = db(s, SQL_INSERT_SHIPMENT, cur + gap());
      }
      case EMAIL_CONFIRM -> {
        cur = leaf(s, "render_template", "email_server", 2e6, cur);
        int m = add(s, T_SMTP, "smtp send", SpanKind.CLIENT, self.inst, self.inst.service.manualScope, cur + gap());
        Node smtp = pool.get(m);
        smtp.end = smtp.start + rng.lognormal(60e6, 0.5);
        cur = smtp.end;
      }
      case RECO_LIST -> {
        cur = call(s, ENDPOINTS[PC_LIST], cur);
        if (rng.chance(0.5)) {
          cur = db(s, REDIS_GET, cur + gap());
        }
        cur = leaf(s, "rank_products", "recommendation_server", 1.2e6, cur + gap());
      }
      default -> throw new IllegalStateException("unknown endpoint " + ep.id);
    }
    return cur;
  }

  private long produce(int parent, long start) {
    Node p = pool.get(parent);
    int x = add(parent, T_PRODUCER, "orders publish", SpanKind.PRODUCER, p.inst, p.inst.service.scope(SC_KAFKA), start);
    Node n = pool.get(x);
    n.partition = rng.nextInt(KAFKA_PARTITIONS);
    n.offset = kafkaOffsets[n.partition]++;
    n.payloadSeed = rng.nextLong();
    n.end = start + rng.lognormal(1.2e6, 0.6);
    schedule(n, Service.ACCOUNTING);
    if (rng.chance(0.7)) {
      schedule(n, Service.FRAUD_DETECTION);
    }
    return n.end;
  }

  private void schedule(Node producer, Service consumer) {
    long lag = rng.chance(CONSUMER_LAG_OUTLIER_PROBABILITY) ? rng.lognormal(4e9, 0.4) : rng.lognormal(8e6, 1.0);
    pending.add(new Pending(producer.end + lag, pendingSeq++, traceId, producer.spanId, traceState, consumer,
        userId, sessionId, baggage, currency, items, orderId, orderAmountUsd, producer.partition, producer.offset,
        producer.payloadSeed));
  }

  private long db(int parent, DbOp op, long start) {
    Node p = pool.get(parent);
    int d = add(parent, op.redis ? T_REDIS : T_SQL, op.name, SpanKind.CLIENT, p.inst,
        p.inst.service.scope(op.redis ? SC_REDIS : SC_SQL), start);
    Node n = pool.get(d);
    n.db = op;
    long dur = rng.chance(DB_OUTLIER_PROBABILITY) ? rng.lognormal(2.8e9, 0.35) : rng.lognormal(op.medianNanos, 0.7);
    n.end = start + dur;
    return n.end;
  }

  private int beginInternal(int parent, String name, String namespace, long start) {
    Node p = pool.get(parent);
    int i = add(parent, T_INTERNAL, name, SpanKind.INTERNAL, p.inst, p.inst.service.manualScope, start + gap());
    Node n = pool.get(i);
    n.codeNamespace = namespace;
    return i;
  }

  private long endAt(int index, long end) {
    pool.get(index).end = end;
    return end;
  }

  private long leaf(int parent, String name, String namespace, double medianNanos, long start) {
    int i = beginInternal(parent, name, namespace, start);
    Node n = pool.get(i);
    n.end = n.start + rng.lognormal(medianNanos, 0.6);
    return n.end;
  }

  private int add(int parent, byte type, String name, SpanKind kind, Instance inst, InstrumentationScope scope, long start) {
    Node n;
    if (size < pool.size()) {
      n = pool.get(size);
    } else {
      n = new Node();
      pool.add(n);
    }
    n.reset();
    n.parent = parent;
    long id;
    do {
      id = Rng.mix(spanIdBase + spanIdCounter++);
    } while (id == 0);
    n.spanId = SpanId.of(id);
    n.type = type;
    n.name = name;
    n.kind = kind;
    n.inst = inst;
    n.scope = scope;
    n.start = start;
    n.end = start;
    return size++;
  }

  private Instance instance(Service s) {
    Instance[] all = instances[s.ordinal()];
    return all.length == 1 ? all[0] : all[rng.nextInt(all.length)];
  }

  private long net() {
    return rng.lognormal(250_000, 0.5);
  }

  private long gap() {
    return rng.lognormal(40_000, 0.8);
  }

  // =================================================================================================
  // errors
  // =================================================================================================

  private void injectError() {
    int origin = -1;
    if (size > 1) {
      for (int attempt = 0; attempt < 64 && origin < 0; attempt++) {
        int i = 1 + rng.nextInt(size - 1);
        byte t = pool.get(i).type;
        if (t != T_HTTP_CLIENT && t != T_RPC_CLIENT) {
          origin = i;
        }
      }
    }
    if (origin < 0) {
      origin = size - 1;
    }
    Node o = pool.get(origin);
    Failure f = failureOf(o);
    o.status = StatusCode.ERROR;
    o.statusMessage = f.messageText;
    o.failure = f;
    o.httpStatus = o.type == T_EXTERNAL ? 503 : f.httpStatus;
    o.grpcCode = f.grpcCode;
    Node child = o;
    for (int p = o.parent; p >= 0; p = child.parent) {
      Node n = pool.get(p);
      boolean client = n.type == T_HTTP_CLIENT || n.type == T_RPC_CLIENT;
      if (!rng.chance(client ? 0.95 : 0.7)) {
        n.addEvent(client
            ? SpanEvent.of(child.end, "retry", Attributes.of(Attribute.of("retry.attempt", 1L)))
            : SpanEvent.of(child.end, "fallback", Attributes.of(
                new Attribute("log.severity", WARN),
                Attribute.of("log.message", "downstream call failed; serving degraded response"))));
        break;
      }
      n.status = StatusCode.ERROR;
      if (client) {
        n.grpcCode = child.grpcCode != 0 ? child.grpcCode : 2;
        n.httpStatus = child.httpStatus >= 400 ? child.httpStatus : 500;
        n.statusMessage = n.ep.http
            ? "HTTP " + n.httpStatus
            : GRPC_STATUS_NAMES[n.grpcCode] + ": " + child.statusMessage;
      } else {
        Failure sf = n.type == T_INTERNAL && n.inst.service.lang == Lang.JAVA
            ? JAVA_INTERNAL
            : serverFailure(n.inst.service.lang);
        n.failure = sf;
        n.statusMessage = sf.messageText;
        n.grpcCode = child.grpcCode != 0 ? child.grpcCode : sf.grpcCode;
        n.httpStatus = child.httpStatus >= 500 ? child.httpStatus : 500;
      }
      child = n;
    }
  }

  private static Failure failureOf(Node n) {
    Lang lang = n.inst.service.lang;
    return switch (n.type) {
      case T_SQL -> sqlFailure(lang);
      case T_REDIS -> redisFailure(lang);
      case T_EXTERNAL -> NODE_SERVER;
      case T_SMTP -> PY_SMTP;
      case T_PRODUCER -> JAVA_KAFKA;
      case T_INTERNAL -> lang == Lang.JAVA ? JAVA_INTERNAL : serverFailure(lang);
      case T_RPC_SERVER -> n.ep.id == PAY_CHARGE ? NODE_PAYMENT : serverFailure(lang);
      default -> serverFailure(lang);
    };
  }

  // =================================================================================================
  // emission
  // =================================================================================================

  private List<Span> emit() {
    List<Span> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Node n = pool.get(i);
      SpanId parentId = n.parent < 0 ? SpanId.NONE : pool.get(n.parent).spanId;
      List<SpanEvent> events = events(n);
      List<SpanLink> links = List.of();
      int droppedLinks = 0;
      if (n.linkTrace != null) {
        Attributes la = n.type == T_CONSUMER
            ? Attributes.of(new Attribute("messaging.kafka.message.offset", longValue(n.offset)))
            : Attributes.of(Attribute.of("link.reason", "retry-of"));
        links = List.of(new SpanLink(n.linkTrace, n.linkSpan, n.linkState, la, 0, 1));
        droppedLinks = rng.chance(0.05) ? 1 : 0;
      }
      out.add(new Span(
          traceId,
          n.spanId,
          parentId,
          traceState,
          n.remoteParent ? FLAGS_REMOTE_PARENT : FLAGS_LOCAL_PARENT,
          n.name,
          n.kind,
          n.start,
          n.end,
          n.status,
          n.statusMessage,
          attributes(n, i),
          rng.chance(0.003) ? rng.between(1, 8) : 0,
          events,
          !events.isEmpty() && rng.chance(0.02) ? rng.between(1, 5) : 0,
          links,
          droppedLinks,
          n.inst.resource,
          n.scope));
    }
    return out;
  }

  private List<SpanEvent> events(Node n) {
    boolean messages = (n.type == T_RPC_CLIENT || n.type == T_RPC_SERVER)
        && n.inst.service.lang == Lang.JAVA && rng.chance(0.15);
    if (n.failure == null && n.events == null && !messages) {
      return List.of();
    }
    List<SpanEvent> ev = new ArrayList<>(4);
    if (messages) {
      long d = n.end - n.start;
      ev.add(new SpanEvent(n.start + d / 10, "message", Attributes.of(
          new Attribute("message.type", n.type == T_RPC_CLIENT ? SENT : RECEIVED),
          new Attribute("message.id", longValue(1)),
          new Attribute("message.uncompressed_size", longValue(rng.between(20, 900)))), 0));
      ev.add(new SpanEvent(n.end - d / 10, "message", Attributes.of(
          new Attribute("message.type", n.type == T_RPC_CLIENT ? RECEIVED : SENT),
          new Attribute("message.id", longValue(1)),
          new Attribute("message.uncompressed_size", longValue(rng.between(20, 900)))), 0));
    }
    if (n.events != null) {
      ev.addAll(n.events);
    }
    if (n.failure != null) {
      Failure f = n.failure;
      ev.add(new SpanEvent(n.end - (n.end - n.start) / 20, "exception", Attributes.of(
          new Attribute("exception.type", f.type),
          new Attribute("exception.message", f.message),
          new Attribute("exception.stacktrace", f.stacktrace),
          new Attribute("exception.escaped", n.kind == SpanKind.SERVER ? TRUE : FALSE)), 0));
    }
    return ev;
  }

  private void put(String key, AttributeValue value) {
    attrs.add(new Attribute(key, value));
  }

  private Attributes attributes(Node n, int index) {
    attrs.clear();
    Service svc = n.inst.service;
    boolean root = index == 0;
    boolean userAdded = false;
    if (baggage && n.type != T_SQL && n.type != T_REDIS) {
      put("session.id", sessionId);
      if (userId != null) {
        put("user.id", userId);
      }
      userAdded = true;
    }
    if (svc.lang == Lang.JAVA && (n.kind == SpanKind.SERVER || n.kind == SpanKind.INTERNAL || n.kind == SpanKind.CONSUMER)) {
      int t = rng.nextInt(n.inst.threadIds.length);
      put("thread.id", n.inst.threadIds[t]);
      put("thread.name", n.inst.threadNames[t]);
    }
    if (n.status == StatusCode.ERROR) {
      AttributeValue errorType;
      if (n.failure != null) {
        errorType = n.failure.type;
      } else if (n.ep != null && !n.ep.http) {
        errorType = AttributeValue.of(GRPC_STATUS_NAMES[n.grpcCode]);
      } else {
        errorType = AttributeValue.of(Integer.toString(n.httpStatus));
      }
      put("error.type", errorType);
    }
    switch (n.type) {
      case T_HTTP_SERVER -> {
        Endpoint ep = n.ep;
        put("http.method", ep.method);
        put("http.route", ep.route);
        put("http.status_code", longValue(n.httpStatus));
        put("http.flavor", HTTP_1_1);
        if (root) {
          String target = target(ep.id, n);
          put("http.target", AttributeValue.of(target));
          put("http.url", AttributeValue.of("https://shop.example.com" + target));
          put("http.scheme", HTTPS);
          put("net.host.name", SHOP_HOST);
          put("net.host.port", longValue(443));
          put("net.sock.peer.addr", clientAddress);
          put("user_agent.original", userAgent);
          put("http.response_content_length", longValue(rng.between(400, 90_000)));
          if (ep.method == POST) {
            put("http.request_content_length", longValue(rng.between(40, 2_000)));
          }
          if (!userAdded) {
            put("session.id", sessionId);
            if (userId != null) {
              put("user.id", userId);
            }
            userAdded = true;
          }
          put("feature.flag.enabled", featureFlag ? TRUE : FALSE);
          put("tags", tags);
          put("app.currency", CURRENCY_VALUES[currency]);
          if (ep.id == F_CART_VIEW || ep.id == F_CART_ADD || ep.id == F_CHECKOUT) {
            put("cart.items", longValue(items));
          }
          if (ep.id == F_CHECKOUT && orderId != null) {
            put("order.amount", AttributeValue.of(orderAmountUsd * USD_RATES[currency]));
            put("order.id", orderId);
          }
          if (n.product >= 0) {
            put("app.product.id", productIds[n.product]);
          }
        } else {
          put("http.target", ep.route);
          put("http.scheme", HTTP);
          put("net.host.name", svc.hostValue);
          put("net.host.port", svc.portValue);
          put("net.sock.peer.addr", pool.get(n.parent).inst.podIp);
          put("net.sock.peer.port", longValue(rng.between(32768, 60999)));
          put("net.transport", IP_TCP);
          endpointAttributes(n, ep, userAdded);
        }
      }
      case T_HTTP_CLIENT -> {
        Endpoint ep = n.ep;
        put("http.method", ep.method);
        put("http.url", AttributeValue.of(ep.route.asText().startsWith("/cart/")
            ? "http://cart:7070/cart/" + userIdText + (ep.id == CART_ADD ? "/items" : "")
            : "http://" + ep.service.serviceName + ":" + ep.service.port + ep.route.asText()));
        put("http.status_code", longValue(n.httpStatus));
        put("http.flavor", HTTP_1_1);
        put("net.peer.name", ep.service.hostValue);
        put("net.peer.port", ep.service.portValue);
        put("net.sock.peer.addr", pool.get(index + 1).inst.podIp);
        put("net.transport", IP_TCP);
        if (ep.method == POST) {
          put("http.request_content_length", longValue(rng.between(40, 2_000)));
        }
        if (rng.chance(0.3)) {
          put("retry.policy", rng.pick(RETRY_POLICIES));
        }
        endpointAttributes(n, ep, userAdded);
      }
      case T_RPC_SERVER -> {
        Endpoint ep = n.ep;
        put("rpc.system", GRPC);
        put("rpc.service", ep.rpcService);
        put("rpc.method", ep.rpcMethod);
        put("rpc.grpc.status_code", longValue(n.grpcCode));
        put("net.host.name", svc.hostValue);
        put("net.host.port", svc.portValue);
        put("net.sock.peer.addr", pool.get(n.parent).inst.podIp);
        put("net.sock.peer.port", longValue(rng.between(32768, 60999)));
        put("net.transport", IP_TCP);
        endpointAttributes(n, ep, userAdded);
      }
      case T_RPC_CLIENT -> {
        Endpoint ep = n.ep;
        put("rpc.system", GRPC);
        put("rpc.service", ep.rpcService);
        put("rpc.method", ep.rpcMethod);
        put("rpc.grpc.status_code", longValue(n.grpcCode));
        put("net.peer.name", ep.service.hostValue);
        put("net.peer.port", ep.service.portValue);
        put("net.sock.peer.addr", pool.get(index + 1).inst.podIp);
        put("net.transport", IP_TCP);
        if (rng.chance(0.3)) {
          put("retry.policy", rng.pick(RETRY_POLICIES));
        }
        endpointAttributes(n, ep, userAdded);
      }
      case T_SQL -> {
        DbOp op = n.db;
        put("db.system", op.system);
        put("db.name", op.dbName);
        put("db.statement", op.statement);
        put("db.operation", op.operation);
        put("db.sql.table", op.table);
        put("db.user", DB_USER);
        put("net.peer.name", op.peer);
        put("net.peer.port", op.port);
        put("net.transport", IP_TCP);
        put("db.connection_string", op.connectionString);
        if (op.operation.asText().equals("SELECT")) {
          put("db.response.returned_rows", longValue(op == SQL_PRODUCT_BY_ID ? 1 : rng.nextInt(60)));
        } else {
          put("db.rows_affected", longValue(1));
        }
      }
      case T_REDIS -> {
        DbOp op = n.db;
        put("db.system", op.system);
        put("db.statement", op.statement);
        put("db.operation", op.operation);
        put("db.redis.database_index", longValue(0));
        put("net.peer.name", op.peer);
        put("net.peer.port", op.port);
        put("net.transport", IP_TCP);
      }
      case T_PRODUCER, T_CONSUMER -> {
        put("messaging.system", KAFKA);
        put("messaging.destination.name", ORDERS_TOPIC);
        put("messaging.operation", n.type == T_PRODUCER ? PUBLISH : PROCESS);
        put("messaging.kafka.destination.partition", longValue(n.partition));
        put("messaging.kafka.message.offset", longValue(n.offset));
        put("messaging.message.body.size", longValue(180 + 42 * items));
        if (orderId != null) {
          put("messaging.kafka.message.key", orderId);
          put("order.id", orderId);
        }
        put("order.amount", AttributeValue.of(orderAmountUsd));
        put("cart.items", longValue(items));
        put("payload.hash", AttributeValue.of(payloadHash(n.payloadSeed)));
        if (n.type == T_CONSUMER) {
          put("messaging.kafka.consumer.group", svc.hostValue);
        }
      }
      case T_INTERNAL -> {
        put("code.function", AttributeValue.of(n.name));
        put("code.namespace", AttributeValue.of(n.codeNamespace));
        put("code.lineno", longValue(40 + (n.name.length() * 7) % 300));
        if (n.parent >= 0 && pool.get(n.parent).ep != null && pool.get(n.parent).ep.id == CO_PLACE) {
          put("cart.items", longValue(items));
        }
      }
      case T_EXTERNAL -> {
        put("http.method", POST);
        put("http.url", STRIPE_URL);
        put("http.status_code", longValue(n.httpStatus));
        put("http.flavor", HTTP_2);
        put("net.peer.name", STRIPE_HOST);
        put("net.peer.port", longValue(443));
        put("http.request_content_length", longValue(rng.between(300, 700)));
        put("order.amount", AttributeValue.of(orderAmountUsd));
      }
      case T_SMTP -> {
        put("net.peer.name", SMTP_HOST);
        put("net.peer.port", longValue(587));
        put("smtp.recipients", longValue(1));
        put("email.template", AttributeValue.of("order_confirmation"));
      }
      default -> throw new IllegalStateException("unknown span type " + n.type);
    }
    return Attributes.of(attrs);
  }

  /** Attributes of the operation itself, on both its client and server span. */
  private void endpointAttributes(Node n, Endpoint ep, boolean userAdded) {
    switch (ep.id) {
      case PC_GET -> {
        if (n.product >= 0) {
          put("app.product.id", productIds[n.product]);
        }
      }
      case PC_LIST -> put("app.products.count", longValue(8 + Long.remainderUnsigned(callId(n), 53)));
      case CUR_CONVERT -> {
        put("app.currency.from", USD);
        put("app.currency.to", CURRENCY_VALUES[currency]);
        put("exchange.rate", AttributeValue.of(USD_RATES[currency]));
      }
      case CART_GET, CART_ADD, CART_EMPTY -> {
        put("cart.items", longValue(items));
        if (!userAdded && userId != null) {
          put("user.id", userId);
        }
      }
      case CO_PLACE -> {
        if (orderId != null) {
          put("order.id", orderId);
        }
        put("order.amount", AttributeValue.of(orderAmountUsd * USD_RATES[currency]));
        put("cart.items", longValue(items));
        put("feature.flag.enabled", featureFlag ? TRUE : FALSE);
        if (!userAdded && userId != null) {
          put("user.id", userId);
        }
      }
      case PAY_CHARGE -> {
        put("order.amount", AttributeValue.of(orderAmountUsd * USD_RATES[currency]));
        put("app.payment.currency", CURRENCY_VALUES[currency]);
        put("app.payment.card_type", CARD_TYPES[(int) (Math.abs(n.spanId.value() % CARD_TYPES.length))]);
        put("payload.hash", AttributeValue.of(payloadHash(n.spanId.value())));
      }
      case SHIP_QUOTE, SHIP_ORDER -> {
        put("cart.items", longValue(items));
        put("app.shipping.cost", AttributeValue.of(4.99 + 1.5 * items));
      }
      case EMAIL_CONFIRM -> {
        if (orderId != null) {
          put("order.id", orderId);
        }
      }
      case RECO_LIST -> put("app.recommendations.count", longValue(5));
      default -> {
        // nothing specific
      }
    }
  }

  /** The span id of the client span of the call {@code n} belongs to (its own for a client span). */
  private long callId(Node n) {
    if ((n.type == T_RPC_SERVER || n.type == T_HTTP_SERVER) && n.parent >= 0) {
      return pool.get(n.parent).spanId.value();
    }
    return n.spanId.value();
  }

  private String target(int route, Node n) {
    return switch (route) {
      case F_PRODUCT -> "/product/" + productIdTexts[n.product];
      case F_SEARCH -> "/search?q=" + SEARCH_TERMS[(int) ((n.spanId.value() >>> 1) % SEARCH_TERMS.length)];
      case F_HOME -> "/";
      default -> ENDPOINTS[route].route.asText();
    };
  }

  // =================================================================================================
  // helpers
  // =================================================================================================

  private static byte[] payloadHash(long seed) {
    byte[] b = new byte[16];
    long a = Rng.mix(seed);
    long c = Rng.mix(seed + 1);
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (a >>> (8 * i));
      b[8 + i] = (byte) (c >>> (8 * i));
    }
    return b;
  }

  private static String hex(long v, int digits) {
    char[] c = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      c[i] = HEX[(int) v & 15];
      v >>>= 4;
    }
    return new String(c);
  }

  private String uuid() {
    String a = hex(rng.nextLong(), 16);
    String b = hex(rng.nextLong(), 16);
    return a.substring(0, 8) + '-' + a.substring(8, 12) + "-4" + a.substring(13, 16) + '-'
        + HEX[8 + (b.charAt(0) & 3)] + b.substring(1, 4) + '-' + b.substring(4, 16);
  }

  private String randomChars(char[] alphabet, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = alphabet[rng.nextInt(alphabet.length)];
    }
    return new String(c);
  }

  private static double[] cumulative(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double[] c = new double[weights.length];
    double acc = 0;
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i];
      c[i] = acc / total;
    }
    return c;
  }

  private Instance newInstance(Service s) {
    String pod = s.serviceName + "-" + randomChars(ALNUM_LOWER, 10) + "-" + randomChars(ALNUM_LOWER, 5);
    AttributeValue region = rng.pick(REGIONS);
    String nodeName = "ip-10-0-" + rng.nextInt(64) + "-" + rng.nextInt(256) + "." + region.asText() + ".compute.internal";
    Attributes.Builder b = Attributes.builder()
        .put(Resource.SERVICE_NAME, s.serviceName)
        .put("service.version", s.version)
        .put("service.namespace", SHOP)
        .put("service.instance.id", uuid())
        .put("deployment.environment", "production")
        .put("host.name", pod)
        .put("host.arch", "amd64")
        .put("os.type", "linux")
        .put("k8s.pod.name", pod)
        .put("k8s.namespace.name", SHOP)
        .put("k8s.deployment.name", s.serviceName)
        .put("k8s.node.name", nodeName)
        .put("cloud.provider", "aws")
        .put("cloud.region", region)
        .put("cloud.availability_zone", region.asText() + (char) ('a' + rng.nextInt(3)))
        .put("telemetry.sdk.name", "opentelemetry")
        .put("telemetry.sdk.language", s.lang.name)
        .put("telemetry.sdk.version", s.lang.sdkVersion)
        .put("process.pid", (long) (1 + rng.nextInt(200)))
        .put("process.runtime.name", s.lang.runtime);
    if (s.lang == Lang.JAVA) {
      b.put("telemetry.distro.name", "opentelemetry-java-instrumentation")
          .put("telemetry.distro.version", "2.10.0")
          .put("process.runtime.version", "17.0.13+11");
    }
    Resource resource = new Resource(b.build(), 0, SCHEMA_URL);
    AttributeValue podIp = AttributeValue.of("10.0." + rng.nextInt(256) + "." + rng.nextInt(256));
    int threads = 8;
    AttributeValue[] ids = new AttributeValue[threads];
    AttributeValue[] names = new AttributeValue[threads];
    String prefix = s == Service.FRONTEND ? "http-nio-" + s.port + "-exec-" : "grpc-default-executor-";
    long base = 20 + rng.nextInt(40);
    for (int i = 0; i < threads; i++) {
      ids[i] = AttributeValue.of(base + i);
      names[i] = AttributeValue.of(prefix + (i + 1));
    }
    return new Instance(s, resource, podIp, ids, names);
  }

  /** One running copy of a service: its shared resource and a few identities. */
  private static final class Instance {
    final Service service;
    final Resource resource;
    final AttributeValue podIp;
    final AttributeValue[] threadIds;
    final AttributeValue[] threadNames;

    Instance(Service service, Resource resource, AttributeValue podIp, AttributeValue[] threadIds,
        AttributeValue[] threadNames) {
      this.service = service;
      this.resource = resource;
      this.podIp = podIp;
      this.threadIds = threadIds;
      this.threadNames = threadNames;
    }
  }

  /** A span under construction; pooled and reused across traces. */
  private static final class Node {
    int parent;
    SpanId spanId;
    byte type;
    String name;
    SpanKind kind;
    Instance inst;
    InstrumentationScope scope;
    Endpoint ep;
    DbOp db;
    long start;
    long end;
    StatusCode status;
    String statusMessage;
    Failure failure;
    int httpStatus;
    int grpcCode;
    boolean remoteParent;
    int product;
    List<SpanEvent> events;
    TraceId linkTrace;
    SpanId linkSpan;
    String linkState;
    int partition;
    long offset;
    long payloadSeed;
    String codeNamespace;

    void reset() {
      ep = null;
      db = null;
      status = StatusCode.UNSET;
      statusMessage = "";
      failure = null;
      httpStatus = 200;
      grpcCode = 0;
      remoteParent = false;
      product = -1;
      events = null;
      linkTrace = null;
      linkSpan = null;
      linkState = null;
      partition = 0;
      offset = 0;
      payloadSeed = 0;
      codeNamespace = null;
    }

    void addEvent(SpanEvent e) {
      if (events == null) {
        events = new ArrayList<>(2);
      }
      events.add(e);
    }
  }

  /** A consumer trace waiting for its start time. */
  private record Pending(
      long start,
      long seq,
      TraceId producerTrace,
      SpanId producerSpan,
      String traceState,
      Service consumer,
      AttributeValue userId,
      AttributeValue sessionId,
      boolean baggage,
      int currency,
      int items,
      AttributeValue orderId,
      double amountUsd,
      int partition,
      long offset,
      long payloadSeed) {}
}
