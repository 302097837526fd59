package io.tracestore.testing;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import java.util.List;

/**
 * The fixed vocabulary of the simulated shop: services, their instrumentation scopes, endpoints,
 * database operations, failures and value pools. Everything here is immutable and shared by all
 * generators; values used on hot paths are pre-built {@link AttributeValue}s.
 */
final class Catalog {
  private Catalog() {}

  static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.24.0";

  // ---- languages and their instrumentation scopes -------------------------------------------

  static final int SC_HTTP_SERVER = 0;
  static final int SC_HTTP_CLIENT = 1;
  static final int SC_GRPC_SERVER = 2;
  static final int SC_GRPC_CLIENT = 3;
  static final int SC_SQL = 4;
  static final int SC_REDIS = 5;
  static final int SC_KAFKA = 6;

  /** A runtime: SDK identity, scope per instrumentation category, stack-trace style. */
  enum Lang {
    JAVA("java", "1.44.1", "OpenJDK Runtime Environment", "2.10.0-alpha", SCHEMA_URL,
        "io.opentelemetry.spring-webmvc-6.0", "io.opentelemetry.java-http-client",
        "io.opentelemetry.grpc-1.6", "io.opentelemetry.grpc-1.6", "io.opentelemetry.jdbc",
        "io.opentelemetry.lettuce-5.1", "io.opentelemetry.kafka-clients-2.6"),
    GO("go", "1.32.0", "go", "0.57.0", "",
        "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
        "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
        "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc",
        "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc",
        "github.com/exaring/otelpgx", "github.com/redis/go-redis/extra/redisotel",
        "go.opentelemetry.io/contrib/instrumentation/github.com/IBM/sarama/otelsarama"),
    NODEJS("nodejs", "1.28.0", "nodejs", "0.55.0", "",
        "@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-http",
        "@opentelemetry/instrumentation-grpc", "@opentelemetry/instrumentation-grpc",
        "@opentelemetry/instrumentation-pg", "@opentelemetry/instrumentation-ioredis",
        "@opentelemetry/instrumentation-kafkajs"),
    PYTHON("python", "1.28.2", "cpython", "0.49b2", SCHEMA_URL,
        "opentelemetry.instrumentation.flask", "opentelemetry.instrumentation.requests",
        "opentelemetry.instrumentation.grpc", "opentelemetry.instrumentation.grpc",
        "opentelemetry.instrumentation.psycopg2", "opentelemetry.instrumentation.redis",
        "opentelemetry.instrumentation.kafka"),
    DOTNET("dotnet", "1.10.0", ".NET", "1.10.0", "",
        "Microsoft.AspNetCore", "System.Net.Http", "Grpc.AspNetCore.Server",
        "OpenTelemetry.Instrumentation.GrpcNetClient", "Npgsql",
        "OpenTelemetry.Instrumentation.StackExchangeRedis", "Confluent.Kafka.Extensions.Diagnostics");

    final String name;
    final String sdkVersion;
    final String runtime;
    final InstrumentationScope[] scopes;

    Lang(String name, String sdkVersion, String runtime, String instrVersion, String schemaUrl,
        String... scopeNames) {
      this.name = name;
      this.sdkVersion = sdkVersion;
      this.runtime = runtime;
      this.scopes = new InstrumentationScope[scopeNames.length];
      for (int i = 0; i < scopeNames.length; i++) {
        scopes[i] = i > 0 && scopeNames[i].equals(scopeNames[i - 1])
            ? scopes[i - 1]
            : new InstrumentationScope(scopeNames[i], instrVersion, Attributes.EMPTY, 0, schemaUrl);
      }
    }
  }

  // ---- services --------------------------------------------------------------------------------

  /** A service of the shop. Instances (with resources) are made per generator, from its seed. */
  enum Service {
    FRONTEND("frontend", "2.3.1", Lang.JAVA, 8080),
    CHECKOUT("checkout", "1.14.0", Lang.JAVA, 5050),
    CART("cart", "1.9.2", Lang.DOTNET, 7070),
    PAYMENT("payment", "0.8.3", Lang.NODEJS, 50051),
    SHIPPING("shipping", "1.4.0", Lang.GO, 8081),
    CURRENCY("currency", "1.2.0", Lang.NODEJS, 7001),
    EMAIL("email", "0.9.1", Lang.PYTHON, 6060),
    PRODUCT_CATALOG("product-catalog", "2.0.5", Lang.GO, 3550),
    RECOMMENDATION("recommendation", "1.1.0", Lang.PYTHON, 9001),
    ACCOUNTING("accounting", "0.6.0", Lang.DOTNET, 0),
    FRAUD_DETECTION("fraud-detection", "0.6.2", Lang.JAVA, 0);

    final String serviceName;
    final String version;
    final Lang lang;
    final int port;
    final AttributeValue hostValue;
    final AttributeValue portValue;
    /** Scope of hand-written spans ({@code INTERNAL} work). */
    final InstrumentationScope manualScope;

    Service(String serviceName, String version, Lang lang, int port) {
      this.serviceName = serviceName;
      this.version = version;
      this.lang = lang;
      this.port = port;
      this.hostValue = AttributeValue.of(serviceName);
      this.portValue = AttributeValue.of((long) port);
      this.manualScope = new InstrumentationScope("shop." + serviceName, version,
          Attributes.of(Attribute.of("scope.kind", "manual")), 0, "");
    }

    InstrumentationScope scope(int category) {
      return lang.scopes[category];
    }
  }

  // ---- endpoints -------------------------------------------------------------------------------

  static final int F_HOME = 0;
  static final int F_PRODUCT = 1;
  static final int F_CART_VIEW = 2;
  static final int F_CART_ADD = 3;
  static final int F_CHECKOUT = 4;
  static final int F_SET_CURRENCY = 5;
  static final int F_SEARCH = 6;
  static final int F_REPORT = 7;
  static final int PC_GET = 8;
  static final int PC_LIST = 9;
  static final int PC_SEARCH = 10;
  static final int CUR_CONVERT = 11;
  static final int CUR_SUPPORTED = 12;
  static final int CART_GET = 13;
  static final int CART_ADD = 14;
  static final int CART_EMPTY = 15;
  static final int CO_PLACE = 16;
  static final int PAY_CHARGE = 17;
  static final int SHIP_QUOTE = 18;
  static final int SHIP_ORDER = 19;
  static final int EMAIL_CONFIRM = 20;
  static final int RECO_LIST = 21;

  /** An operation a service serves, over HTTP or gRPC. */
  static final class Endpoint {
    final int id;
    final Service service;
    final boolean http;
    final String serverName;
    final String clientName;
    final AttributeValue method;
    final AttributeValue route;
    final AttributeValue rpcService;
    final AttributeValue rpcMethod;
    /** Median self time of the handler, nanoseconds. */
    final double workNanos;

    private Endpoint(int id, Service service, boolean http, String serverName, String clientName,
        String method, String route, String rpcService, String rpcMethod, double workMillis) {
      this.id = id;
      this.service = service;
      this.http = http;
      this.serverName = serverName;
      this.clientName = clientName;
      this.method = method == null ? null : AttributeValue.of(method);
      this.route = route == null ? null : AttributeValue.of(route);
      this.rpcService = rpcService == null ? null : AttributeValue.of(rpcService);
      this.rpcMethod = rpcMethod == null ? null : AttributeValue.of(rpcMethod);
      this.workNanos = workMillis * 1_000_000;
    }

    static Endpoint http(int id, Service s, String method, String route, double workMillis) {
      return new Endpoint(id, s, true, method + " " + route, method, method, route, null, null, workMillis);
    }

    static Endpoint grpc(int id, Service s, String rpcService, String rpcMethod, double workMillis) {
      String name = rpcService + "/" + rpcMethod;
      return new Endpoint(id, s, false, name, name, null, null, rpcService, rpcMethod, workMillis);
    }
  }

  static final Endpoint[] ENDPOINTS = {
    Endpoint.http(F_HOME, Service.FRONTEND, "GET", "/", 6),
    Endpoint.http(F_PRODUCT, Service.FRONTEND, "GET", "/product/{id}", 5),
    Endpoint.http(F_CART_VIEW, Service.FRONTEND, "GET", "/cart", 5),
    Endpoint.http(F_CART_ADD, Service.FRONTEND, "POST", "/cart", 2),
    Endpoint.http(F_CHECKOUT, Service.FRONTEND, "POST", "/checkout", 4),
    Endpoint.http(F_SET_CURRENCY, Service.FRONTEND, "POST", "/setCurrency", 1),
    Endpoint.http(F_SEARCH, Service.FRONTEND, "GET", "/search", 4),
    Endpoint.http(F_REPORT, Service.FRONTEND, "GET", "/admin/inventory-report", 40),
    Endpoint.grpc(PC_GET, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "GetProduct", 0.6),
    Endpoint.grpc(PC_LIST, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "ListProducts", 1.5),
    Endpoint.grpc(PC_SEARCH, Service.PRODUCT_CATALOG, "oteldemo.ProductCatalogService", "SearchProducts", 1.5),
    Endpoint.grpc(CUR_CONVERT, Service.CURRENCY, "oteldemo.CurrencyService", "Convert", 0.8),
    Endpoint.grpc(CUR_SUPPORTED, Service.CURRENCY, "oteldemo.CurrencyService", "GetSupportedCurrencies", 0.4),
    Endpoint.http(CART_GET, Service.CART, "GET", "/cart/{userId}", 0.8),
    Endpoint.http(CART_ADD, Service.CART, "POST", "/cart/{userId}/items", 1.0),
    Endpoint.http(CART_EMPTY, Service.CART, "DELETE", "/cart/{userId}", 0.6),
    Endpoint.grpc(CO_PLACE, Service.CHECKOUT, "oteldemo.CheckoutService", "PlaceOrder", 3),
    Endpoint.grpc(PAY_CHARGE, Service.PAYMENT, "oteldemo.PaymentService", "Charge", 4),
    Endpoint.http(SHIP_QUOTE, Service.SHIPPING, "POST", "/shipping/quote", 1.5),
    Endpoint.http(SHIP_ORDER, Service.SHIPPING, "POST", "/shipping/orders", 2),
    Endpoint.http(EMAIL_CONFIRM, Service.EMAIL, "POST", "/send_order_confirmation", 3),
    Endpoint.grpc(RECO_LIST, Service.RECOMMENDATION, "oteldemo.RecommendationService", "ListRecommendations", 2),
  };

  // ---- databases -------------------------------------------------------------------------------

  /** A database call. */
  static final class DbOp {
    final String name;
    final boolean redis;
    final AttributeValue system;
    final AttributeValue dbName;
    final AttributeValue statement;
    final AttributeValue operation;
    final AttributeValue table;
    final AttributeValue peer;
    final AttributeValue port;
    final AttributeValue connectionString;
    final double medianNanos;

    DbOp(String name, boolean redis, String dbName, String statement, String operation, String table,
        double medianMillis) {
      this.name = name;
      this.redis = redis;
      this.system = AttributeValue.of(redis ? "redis" : "postgresql");
      this.dbName = dbName == null ? null : AttributeValue.of(dbName);
      this.statement = AttributeValue.of(statement);
      this.operation = AttributeValue.of(operation);
      this.table = table == null ? null : AttributeValue.of(table);
      this.peer = AttributeValue.of(redis ? "redis" : "postgres");
      this.port = AttributeValue.of(redis ? 6379L : 5432L);
      this.connectionString = AttributeValue.of(redis ? "redis://redis:6379" : "postgresql://postgres:5432");
      this.medianNanos = medianMillis * 1_000_000;
    }

    static DbOp sql(String name, String db, String statement, String operation, String table, double ms) {
      return new DbOp(name, false, db, statement, operation, table, ms);
    }

    static DbOp redis(String command, String statement, double ms) {
      return new DbOp(command, true, null, statement, command, null, ms);
    }
  }

  static final DbOp SQL_PRODUCT_BY_ID = DbOp.sql("SELECT catalog.products", "catalog",
      "SELECT id, name, description, picture, price_currency_code, price_units, price_nanos, categories"
          + " FROM products WHERE id = $1", "SELECT", "products", 2.0);
  static final DbOp SQL_PRODUCT_LIST = DbOp.sql("SELECT catalog.products", "catalog",
      "SELECT id, name, description, picture, price_currency_code, price_units, price_nanos, categories"
          + " FROM products ORDER BY name LIMIT $1 OFFSET $2", "SELECT", "products", 4.0);
  static final DbOp SQL_PRODUCT_SEARCH = DbOp.sql("SELECT catalog.products", "catalog",
      "SELECT id, name, description, picture FROM products WHERE name ILIKE $1 OR description ILIKE $1"
          + " LIMIT 50", "SELECT", "products", 6.0);
  static final DbOp SQL_INSERT_TX = DbOp.sql("INSERT payments.transactions", "payments",
      "INSERT INTO transactions (id, order_id, amount_units, amount_nanos, currency_code, card_type,"
          + " card_last_four) VALUES ($1, $2, $3, $4, $5, $6, $7)", "INSERT", "transactions", 2.5);
  static final DbOp SQL_INSERT_SHIPMENT = DbOp.sql("INSERT shipping.shipments", "shipping",
      "INSERT INTO shipments (tracking_id, order_id, street, city, zip, country, items)"
          + " VALUES ($1, $2, $3, $4, $5, $6, $7)", "INSERT", "shipments", 2.5);
  static final DbOp SQL_INSERT_ORDER = DbOp.sql("db.query", "accounting",
      "INSERT INTO orders (order_id, user_id, total_units, total_nanos, currency_code, created_at)"
          + " VALUES (@p0, @p1, @p2, @p3, @p4, @p5)", "INSERT", "orders", 2.0);
  static final DbOp SQL_INSERT_ORDER_ITEM = DbOp.sql("db.query", "accounting",
      "INSERT INTO order_items (order_id, product_id, quantity, cost_units, cost_nanos)"
          + " VALUES (@p0, @p1, @p2, @p3, @p4)", "INSERT", "order_items", 1.2);
  static final DbOp SQL_FRAUD_HISTORY = DbOp.sql("SELECT fraud.orders", "fraud",
      "SELECT count(*), sum(total_units) FROM orders WHERE user_id = ? AND created_at > now() - interval '1 day'",
      "SELECT", "orders", 3.0);
  static final DbOp REDIS_GET = DbOp.redis("GET", "GET product:?", 0.3);
  static final DbOp REDIS_SET = DbOp.redis("SET", "SET product:? ? EX 300", 0.3);
  static final DbOp REDIS_HGETALL = DbOp.redis("HGETALL", "HGETALL cart:?", 0.4);
  static final DbOp REDIS_HSET = DbOp.redis("HSET", "HSET cart:? ? ?", 0.4);
  static final DbOp REDIS_EXPIRE = DbOp.redis("EXPIRE", "EXPIRE cart:? 3600", 0.2);
  static final DbOp REDIS_DEL = DbOp.redis("DEL", "DEL cart:?", 0.3);
  static final DbOp REDIS_RATE = DbOp.redis("INCR", "INCR ratelimit:?", 0.2);

  // ---- failures --------------------------------------------------------------------------------

  /** An exception a span may record, with its status details. */
  static final class Failure {
    final AttributeValue type;
    final AttributeValue message;
    final AttributeValue stacktrace;
    final String messageText;
    final int grpcCode;
    final int httpStatus;

    Failure(Lang lang, String type, String message, int grpcCode, int httpStatus, String... frames) {
      this.type = AttributeValue.of(type);
      this.message = AttributeValue.of(message);
      this.messageText = message;
      this.stacktrace = AttributeValue.of(stack(lang, type, message, frames));
      this.grpcCode = grpcCode;
      this.httpStatus = httpStatus;
    }

    private static String stack(Lang lang, String type, String message, String[] frames) {
      StringBuilder sb = new StringBuilder(256);
      switch (lang) {
        case PYTHON -> {
          sb.append("Traceback (most recent call last):\n");
          for (int i = frames.length - 1; i >= 0; i--) {
            sb.append("  File \"/app/").append(frames[i]).append(".py\", line ").append(40 + 17 * i)
                .append(", in ").append(frames[i]).append('\n');
          }
          sb.append(type).append(": ").append(message);
        }
        case GO -> {
          sb.append(type).append(": ").append(message).append("\n\ngoroutine ").append(37 + frames.length)
              .append(" [running]:\n");
          for (int i = 0; i < frames.length; i++) {
            sb.append("main.").append(frames[i]).append("(...)\n\t/app/main.go:").append(101 + 23 * i)
                .append(" +0x").append(Integer.toHexString(0x1a4 + 0x2c * i)).append('\n');
          }
        }
        case NODEJS -> {
          sb.append(type).append(": ").append(message);
          for (int i = 0; i < frames.length; i++) {
            sb.append("\n    at ").append(frames[i]).append(" (/app/").append(frames[i].replace('.', '_'))
                .append(".js:").append(12 + 9 * i).append(':').append(5 + i).append(')');
          }
        }
        case DOTNET -> {
          sb.append(type).append(": ").append(message);
          for (int i = 0; i < frames.length; i++) {
            sb.append("\n   at ").append(frames[i]).append("() in /app/src/").append(frames[i], 0,
                Math.max(1, frames[i].lastIndexOf('.'))).append(".cs:line ").append(30 + 11 * i);
          }
        }
        default -> {
          sb.append(type).append(": ").append(message);
          for (int i = 0; i < frames.length; i++) {
            sb.append("\n\tat ").append(frames[i]).append("(").append(simpleFile(frames[i])).append(':')
                .append(57 + 13 * i).append(')');
          }
        }
      }
      return sb.toString();
    }

    private static String simpleFile(String frame) {
      int lastDot = frame.lastIndexOf('.');
      int prevDot = frame.lastIndexOf('.', lastDot - 1);
      return frame.substring(prevDot + 1, lastDot) + ".java";
    }
  }

  static final Failure JAVA_SQL = new Failure(Lang.JAVA, "org.postgresql.util.PSQLException",
      "ERROR: canceling statement due to statement timeout", 4, 504,
      "org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse",
      "org.postgresql.jdbc.PgPreparedStatement.executeQuery",
      "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery",
      "com.example.shop.fraud.OrderHistoryRepository.countRecent");
  static final Failure GO_SQL = new Failure(Lang.GO, "*pgconn.PgError",
      "ERROR: deadlock detected (SQLSTATE 40P01)", 13, 500,
      "(*Repository).QueryRow", "(*productCatalog).GetProduct", "(*Server).handle");
  static final Failure NODE_SQL = new Failure(Lang.NODEJS, "error",
      "Connection terminated unexpectedly", 14, 503,
      "Client._handleErrorEvent", "insertTransaction", "charge");
  static final Failure DOTNET_SQL = new Failure(Lang.DOTNET, "Npgsql.PostgresException",
      "57014: canceling statement due to statement timeout", 4, 504,
      "Npgsql.NpgsqlConnector.ReadMessage", "Accounting.OrderRepository.SaveAsync",
      "Accounting.Consumer.HandleAsync");
  static final Failure JAVA_REDIS = new Failure(Lang.JAVA, "io.lettuce.core.RedisCommandTimeoutException",
      "Command timed out after 1 second(s)", 4, 504,
      "io.lettuce.core.internal.ExceptionFactory.createTimeoutException",
      "io.lettuce.core.protocol.CommandExpiryWriter.lambda$potentiallyExpire$0",
      "com.example.shop.fraud.VelocityCheck.score");
  static final Failure GO_REDIS = new Failure(Lang.GO, "*net.OpError",
      "dial tcp 10.0.3.7:6379: i/o timeout", 14, 503,
      "(*Client).Get", "(*cache).lookup", "(*productCatalog).GetProduct");
  static final Failure DOTNET_REDIS = new Failure(Lang.DOTNET, "StackExchange.Redis.RedisTimeoutException",
      "Timeout performing HGETALL (5000ms), next: HGETALL cart:?, inst: 0, qu: 0, qs: 12", 4, 504,
      "StackExchange.Redis.ConnectionMultiplexer.ExecuteSyncImpl",
      "Cart.Services.RedisCartStore.GetCartAsync", "Cart.Controllers.CartController.Get");
  static final Failure PY_REDIS = new Failure(Lang.PYTHON, "redis.exceptions.TimeoutError",
      "Timeout reading from socket", 4, 504, "execute_command", "ranked", "list_recommendations");
  static final Failure NODE_REDIS = new Failure(Lang.NODEJS, "ReplyError",
      "LOADING Redis is loading the dataset in memory", 14, 503, "parseError", "getRates", "convert");
  static final Failure JAVA_SERVER = new Failure(Lang.JAVA, "io.grpc.StatusRuntimeException",
      "UNAVAILABLE: upstream connect error or disconnect/reset before headers", 14, 503,
      "io.grpc.stub.ClientCalls.toStatusRuntimeException",
      "io.grpc.stub.ClientCalls.blockingUnaryCall",
      "com.example.shop.checkout.CheckoutService.placeOrder",
      "com.example.shop.checkout.CheckoutGrpc$MethodHandlers.invoke");
  static final Failure JAVA_INTERNAL = new Failure(Lang.JAVA, "java.lang.NullPointerException",
      "Cannot invoke \"String.length()\" because \"currencyCode\" is null", 13, 500,
      "com.example.shop.checkout.Money.of",
      "com.example.shop.checkout.OrderTotals.sum",
      "com.example.shop.checkout.CheckoutService.placeOrder");
  static final Failure JAVA_KAFKA = new Failure(Lang.JAVA, "org.apache.kafka.common.errors.TimeoutException",
      "Topic orders not present in metadata after 60000 ms.", 4, 504,
      "org.apache.kafka.clients.producer.KafkaProducer.waitOnMetadata",
      "org.apache.kafka.clients.producer.KafkaProducer.doSend",
      "com.example.shop.checkout.OrderEvents.publish");
  static final Failure GO_SERVER = new Failure(Lang.GO, "*errors.errorString",
      "failed to get product: context deadline exceeded", 4, 504,
      "(*productCatalog).GetProduct", "_ProductCatalogService_GetProduct_Handler", "(*Server).processUnaryRPC");
  static final Failure NODE_PAYMENT = new Failure(Lang.NODEJS, "CreditCardError",
      "Credit card info is invalid", 3, 400, "validateCard", "charge", "Object.chargeServiceHandler");
  static final Failure NODE_SERVER = new Failure(Lang.NODEJS, "Error",
      "Request failed with status code 503", 14, 503, "createError", "settle", "IncomingMessage.handleStreamEnd");
  static final Failure PY_SERVER = new Failure(Lang.PYTHON, "grpc._channel._InactiveRpcError",
      "<_InactiveRpcError of RPC that terminated with: status = StatusCode.UNAVAILABLE>", 14, 503,
      "_end_unary_response_blocking", "__call__", "list_recommendations");
  static final Failure PY_SMTP = new Failure(Lang.PYTHON, "smtplib.SMTPServerDisconnected",
      "Connection unexpectedly closed", 14, 503, "getreply", "sendmail", "send_email", "send_order_confirmation");
  static final Failure DOTNET_SERVER = new Failure(Lang.DOTNET, "System.InvalidOperationException",
      "Cart service could not reach the cart store", 14, 503,
      "Cart.Services.RedisCartStore.EnsureConnected", "Cart.Controllers.CartController.Get");

  static Failure sqlFailure(Lang lang) {
    return switch (lang) {
      case JAVA -> JAVA_SQL;
      case GO -> GO_SQL;
      case NODEJS -> NODE_SQL;
      case DOTNET -> DOTNET_SQL;
      case PYTHON -> GO_SQL;
    };
  }

  static Failure redisFailure(Lang lang) {
    return switch (lang) {
      case JAVA -> JAVA_REDIS;
      case GO -> GO_REDIS;
      case NODEJS -> NODE_REDIS;
      case DOTNET -> DOTNET_REDIS;
      case PYTHON -> PY_REDIS;
    };
  }

  static Failure serverFailure(Lang lang) {
    return switch (lang) {
      case JAVA -> JAVA_SERVER;
      case GO -> GO_SERVER;
      case NODEJS -> NODE_SERVER;
      case DOTNET -> DOTNET_SERVER;
      case PYTHON -> PY_SERVER;
    };
  }

  static final String[] GRPC_STATUS_NAMES = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
  };

  // ---- value pools -----------------------------------------------------------------------------

  static final AttributeValue[] LONGS = new AttributeValue[1024];

  static {
    for (int i = 0; i < LONGS.length; i++) {
      LONGS[i] = AttributeValue.of((long) i);
    }
  }

  /** A long value, shared when small. */
  static AttributeValue longValue(long v) {
    return v >= 0 && v < LONGS.length ? LONGS[(int) v] : AttributeValue.of(v);
  }

  static final AttributeValue TRUE = AttributeValue.of(true);
  static final AttributeValue FALSE = AttributeValue.of(false);
  static final AttributeValue GRPC = AttributeValue.of("grpc");
  static final AttributeValue HTTPS = AttributeValue.of("https");
  static final AttributeValue HTTP = AttributeValue.of("http");
  static final AttributeValue KAFKA = AttributeValue.of("kafka");
  static final AttributeValue ORDERS_TOPIC = AttributeValue.of("orders");
  static final AttributeValue PUBLISH = AttributeValue.of("publish");
  static final AttributeValue PROCESS = AttributeValue.of("process");
  static final AttributeValue SHOP_HOST = AttributeValue.of("shop.example.com");
  static final AttributeValue STRIPE_HOST = AttributeValue.of("api.stripe.com");
  static final AttributeValue STRIPE_URL = AttributeValue.of("https://api.stripe.com/v1/charges");
  static final AttributeValue SMTP_HOST = AttributeValue.of("smtp.mailgun.org");
  static final AttributeValue POST = AttributeValue.of("POST");
  static final AttributeValue HTTP_1_1 = AttributeValue.of("1.1");
  static final AttributeValue HTTP_2 = AttributeValue.of("2");
  static final AttributeValue INFO = AttributeValue.of("INFO");
  static final AttributeValue WARN = AttributeValue.of("WARN");
  static final AttributeValue SENT = AttributeValue.of("SENT");
  static final AttributeValue RECEIVED = AttributeValue.of("RECEIVED");
  static final AttributeValue IP_TCP = AttributeValue.of("ip_tcp");
  static final AttributeValue DB_USER = AttributeValue.of("shop_app");

  static final String[] CURRENCIES = {"USD", "EUR", "CAD", "JPY", "GBP", "TRY", "CHF"};
  static final AttributeValue[] CURRENCY_VALUES = values(CURRENCIES);
  static final double[] USD_RATES = {1.0, 0.92, 1.36, 151.2, 0.79, 34.1, 0.88};

  static final AttributeValue[] USER_AGENTS = values(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
      "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
      "shop-android/5.12.0 (Pixel 8; Android 15)",
      "python-requests/2.32.3",
      "k6/0.54.0 (https://k6.io/)");

  static final AttributeValue[] TAGS = {
    strings("web"), strings("web", "returning-customer"), strings("mobile", "ios"),
    strings("mobile", "android", "beta"), strings("web", "promo-black-friday"), strings("synthetic", "load-test"),
  };

  static final AttributeValue[] RETRY_POLICIES = {
    AttributeValue.ofKeyValues(List.of(
        new Attribute("max_attempts", AttributeValue.of(3L)),
        Attribute.of("initial_backoff", "0.1s"),
        Attribute.of("backoff_multiplier", 2.0),
        new Attribute("retryable_status_codes", strings("UNAVAILABLE", "DEADLINE_EXCEEDED")))),
    AttributeValue.ofKeyValues(List.of(
        new Attribute("max_attempts", AttributeValue.of(5L)),
        Attribute.of("initial_backoff", "0.05s"),
        Attribute.of("backoff_multiplier", 1.5),
        new Attribute("retryable_status_codes", strings("UNAVAILABLE")),
        Attribute.of("hedging", false))),
  };

  static final String[] SEARCH_TERMS = {
    "telescope", "lens", "binoculars", "tripod", "star+chart", "eyepiece", "filter", "red+flashlight", "mount"};

  static final String[] TRACE_STATES = {
    "ot=th:0", "congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "shop=canary"};

  static final AttributeValue[] CARD_TYPES = values("visa", "mastercard", "amex");
  static final AttributeValue[] REGIONS = values("eu-west-1", "us-east-1");

  static AttributeValue[] values(String... strings) {
    AttributeValue[] v = new AttributeValue[strings.length];
    for (int i = 0; i < strings.length; i++) {
      v[i] = AttributeValue.of(strings[i]);
    }
    return v;
  }

  static AttributeValue strings(String... strings) {
    return AttributeValue.ofArray(List.of(values(strings)));
  }
}
