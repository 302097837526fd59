/*
 * TraceQL grammar for TraceStore.
 *
 * Written from Grafana Tempo's documentation of the language and from its published grammar's
 * structure (precedence table and statement shapes); no Tempo code is reused. Precedence, from
 * loosest to tightest, as Tempo defines it:
 *
 *   |                                        (pipeline)
 *   &&  ||                                   (SAME level, left-associative: a || b && c == (a || b) && c)
 *   = != < <= > >= =~ !~  and structural ops  (left-associative)
 *   + -  (binary) and unary -
 *   !    (unary; binds looser than * / % ^, so !a * b == !(a * b))
 *   * / %
 *   ^                                        (right-associative)
 *
 * In ANTLR's left-recursive rules, an alternative listed earlier binds tighter.
 *
 * Lexer modes: after an attribute scope ('.', 'span.', 'resource.', ...) the lexer switches to
 * mode ATTR, where an attribute name runs until whitespace or one of { } ( ) = ~ ! < > & | ^ , "
 * or is a quoted name ("a b") with only \" and \\ escapes, mirroring Tempo's context-sensitive
 * lexer.
 */
parser grammar TraceQLParser;

options { tokenVocab = TraceQLLexer; }

// =====================================================================================
// Parser
// =====================================================================================

query
    : queryBody hints* EOF
    ;

queryBody
    : spansetPipeline (PIPE metricsFirstStage metricsSecondStage*)?   # pipelineBody
    | spansetPipelineExpression                                       # pipelineExpressionBody
    | scalarPipelineFilter                                            # scalarPipelineFilterBody
    | metricsMath metricsSecondStage*                                 # metricsMathBody
    ;

// ---------- spanset pipelines ----------

spansetPipeline
    : pipelineHead (PIPE pipelineElement)*
    ;

pipelineHead
    : spansetExpression
    | scalarFilter
    | groupOperation
    | selectOperation
    ;

pipelineElement
    : spansetExpression
    | scalarFilter
    | groupOperation
    | selectOperation
    | coalesceOperation
    ;

groupOperation
    : BY LPAREN fieldExpression RPAREN
    ;

coalesceOperation
    : COALESCE LPAREN RPAREN
    ;

selectOperation
    : SELECT LPAREN fieldRef (COMMA fieldRef)* RPAREN
    ;

spansetExpression
    : LPAREN spansetExpression RPAREN                                       # spansetParens
    | spansetExpression op=(GT | LT | DESC | ANCE | TILDE
                           | NOT_CHILD | NOT_PARENT | NOT_DESC | NOT_ANCE | NRE
                           | UNION_CHILD | UNION_PARENT | UNION_DESC | UNION_ANCE | UNION_SIBL)
      spansetExpression                                                     # spansetStructural
    | spansetExpression op=(AND | OR) spansetExpression                     # spansetLogical
    | spansetFilter                                                         # spansetFilterExpr
    ;

spansetFilter
    : LBRACE fieldExpression? RBRACE
    ;

spansetPipelineExpression
    : LPAREN spansetPipelineExpression RPAREN                               # pipelineExprParens
    | spansetPipelineExpression op=(GT | LT | DESC | ANCE | TILDE
                           | NOT_CHILD | NOT_PARENT | NOT_DESC | NOT_ANCE | NRE
                           | UNION_CHILD | UNION_PARENT | UNION_DESC | UNION_ANCE | UNION_SIBL)
      spansetPipelineExpression                                             # pipelineExprStructural
    | spansetPipelineExpression op=(AND | OR) spansetPipelineExpression     # pipelineExprLogical
    | wrappedSpansetPipeline                                                # pipelineExprWrapped
    ;

wrappedSpansetPipeline
    : LPAREN spansetPipeline RPAREN
    ;

// ---------- scalar filters (aggregates inside a spanset pipeline) ----------

scalarFilter
    : scalarExpression compareOp scalarExpression
    ;

compareOp
    : EQ | NEQ | LT | LTE | GT | GTE
    ;

scalarExpression
    : LPAREN scalarExpression RPAREN                                        # scalarParens
    | <assoc=right> scalarExpression POW scalarExpression                   # scalarPow
    | scalarExpression op=(MUL | DIV | MOD) scalarExpression                # scalarMul
    | scalarExpression op=(ADD | SUB) scalarExpression                      # scalarAdd
    | aggregate                                                             # scalarAggregate
    | signedNumber                                                          # scalarNumber
    ;

signedNumber
    : SUB? (INTEGER | FLOAT | DURATION)
    ;

aggregate
    : COUNT LPAREN RPAREN
    | fn=(MAX | MIN | AVG | SUM) LPAREN fieldExpression RPAREN
    ;

// ---------- scalar pipeline filters: ({ ... } | count()) > 3 ----------

scalarPipelineFilter
    : scalarPipelineExpression compareOp (scalarPipelineExpression | staticValue | negativeNumber)
    ;

negativeNumber
    : SUB (INTEGER | FLOAT | DURATION)
    ;

scalarPipelineExpression
    : LPAREN scalarPipelineExpression RPAREN                                # scalarPipelineParens
    | <assoc=right> scalarPipelineExpression POW scalarPipelineExpression   # scalarPipelinePow
    | scalarPipelineExpression op=(MUL | DIV | MOD) scalarPipelineExpression  # scalarPipelineMul
    | scalarPipelineExpression op=(ADD | SUB) scalarPipelineExpression      # scalarPipelineAdd
    | wrappedScalarPipeline                                                 # scalarPipelineWrapped
    ;

wrappedScalarPipeline
    : LPAREN spansetPipeline PIPE aggregate RPAREN
    ;

// ---------- metrics ----------

metricsFirstStage
    : fn=(RATE | COUNT_OVER_TIME) LPAREN RPAREN byClause?                                   # metricsCounting
    | fn=(MIN_OVER_TIME | MAX_OVER_TIME | AVG_OVER_TIME | SUM_OVER_TIME | HISTOGRAM_OVER_TIME)
      LPAREN fieldRef RPAREN byClause?                                                      # metricsOverTime
    | QUANTILE_OVER_TIME LPAREN fieldRef (COMMA quantile)+ RPAREN byClause?                  # metricsQuantile
    | COMPARE LPAREN spansetFilter (COMMA INTEGER (COMMA INTEGER COMMA INTEGER)?)? RPAREN    # metricsCompare
    ;

quantile
    : INTEGER | FLOAT
    ;

byClause
    : BY LPAREN fieldRef (COMMA fieldRef)* RPAREN
    ;

metricsSecondStage
    : PIPE fn=(TOPK | BOTTOMK) LPAREN INTEGER RPAREN                        # topKStage
    | compareOp metricsFilterValue                                          # filterStage
    ;

metricsFilterValue
    : constantExpression
    | SUB? DURATION
    ;

constantExpression
    : LPAREN constantExpression RPAREN                                      # constantParens
    | constantExpression op=(MUL | DIV) constantExpression                  # constantMul
    | constantExpression op=(ADD | SUB) constantExpression                  # constantAdd
    | SUB? (INTEGER | FLOAT)                                                # constantNumber
    ;

metricsMath
    : LPAREN metricsMath RPAREN                                             # metricsMathParens
    | metricsMath op=(MUL | DIV) metricsMath                                # metricsMathMul
    | metricsMath op=(ADD | SUB) metricsMath                                # metricsMathAdd
    | wrappedMetricsPipeline                                                # metricsMathPipeline
    | SUB? (INTEGER | FLOAT)                                                # metricsMathNumber
    ;

wrappedMetricsPipeline
    : LPAREN spansetPipeline PIPE metricsFirstStage metricsSecondStage* RPAREN
    ;

// ---------- hints ----------

hints
    : WITH LPAREN hint (COMMA hint)* RPAREN
    ;

hint
    : IDENT EQ staticValue
    ;

// ---------- field expressions (inside { }) ----------

fieldExpression
    : LPAREN fieldExpression RPAREN                                         # fieldParens
    | <assoc=right> fieldExpression POW fieldExpression                     # fieldPow
    | fieldExpression op=(MUL | DIV | MOD) fieldExpression                  # fieldMul
    | NOT fieldExpression                                                   # fieldNot
    | SUB fieldExpression                                                   # fieldNegate
    | fieldExpression op=(ADD | SUB) fieldExpression                        # fieldAdd
    | fieldExpression op=(EQ | NEQ | LT | LTE | GT | GTE | RE | NRE) fieldExpression  # fieldCompare
    | fieldExpression op=(AND | OR) fieldExpression                         # fieldLogical
    | staticValue                                                           # fieldStatic
    | NIL                                                                   # fieldNil
    | fieldRef                                                              # fieldReference
    ;

staticValue
    : STRING | RAW_STRING | INTEGER | FLOAT | DURATION | TRUE | FALSE
    | STATUS_OK | STATUS_ERROR | STATUS_UNSET
    | KIND_UNSPECIFIED | KIND_INTERNAL | KIND_SERVER | KIND_CLIENT | KIND_PRODUCER | KIND_CONSUMER
    ;

fieldRef
    : intrinsic
    | attribute
    ;

intrinsic
    : I_DURATION | I_NAME | I_STATUS | I_STATUS_MESSAGE | I_KIND | I_CHILD_COUNT | I_PARENT
    | I_ROOT_NAME | I_ROOT_SERVICE_NAME | I_TRACE_DURATION
    | I_NESTED_SET_LEFT | I_NESTED_SET_RIGHT | I_NESTED_SET_PARENT
    | SCOPED_INTRINSIC
    ;

attribute
    : ATTR_SCOPE (ATTR_NAME | ATTR_QUOTED)
    ;

