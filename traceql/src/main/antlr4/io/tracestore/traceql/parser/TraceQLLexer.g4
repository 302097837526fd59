/* Lexer for TraceQL; see TraceQLParser.g4 for the language notes. */
lexer grammar TraceQLLexer;

// =====================================================================================
// Lexer (default mode)
// =====================================================================================

WS            : [ \t\r\n]+ -> skip ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;

LBRACE : '{' ;
RBRACE : '}' ;
LPAREN : '(' ;
RPAREN : ')' ;
COMMA  : ',' ;

AND  : '&&' ;
OR   : '||' ;
PIPE : '|' ;

EQ   : '=' ;
NEQ  : '!=' ;
RE   : '=~' ;
NRE  : '!~' ;
GT   : '>' ;
GTE  : '>=' ;
LT   : '<' ;
LTE  : '<=' ;
DESC : '>>' ;
ANCE : '<<' ;
TILDE : '~' ;

NOT_CHILD    : '!>' ;
NOT_PARENT   : '!<' ;
NOT_DESC     : '!>>' ;
NOT_ANCE     : '!<<' ;
UNION_CHILD  : '&>' ;
UNION_PARENT : '&<' ;
UNION_DESC   : '&>>' ;
UNION_ANCE   : '&<<' ;
UNION_SIBL   : '&~' ;

NOT : '!' ;
ADD : '+' ;
SUB : '-' ;
MUL : '*' ;
DIV : '/' ;
MOD : '%' ;
POW : '^' ;

// literals keywords
TRUE  : 'true' ;
FALSE : 'false' ;
NIL   : 'nil' ;
STATUS_OK    : 'ok' ;
STATUS_ERROR : 'error' ;
STATUS_UNSET : 'unset' ;
KIND_UNSPECIFIED : 'unspecified' ;
KIND_INTERNAL    : 'internal' ;
KIND_SERVER      : 'server' ;
KIND_CLIENT      : 'client' ;
KIND_PRODUCER    : 'producer' ;
KIND_CONSUMER    : 'consumer' ;

// unscoped (legacy) intrinsics
I_DURATION          : 'duration' ;
I_NAME              : 'name' ;
I_STATUS            : 'status' ;
I_STATUS_MESSAGE    : 'statusMessage' ;
I_KIND              : 'kind' ;
I_CHILD_COUNT       : 'childCount' ;
I_PARENT            : 'parent' ;
I_ROOT_NAME         : 'rootName' ;
I_ROOT_SERVICE_NAME : 'rootServiceName' ;
I_TRACE_DURATION    : 'traceDuration' ;
I_NESTED_SET_LEFT   : 'nestedSetLeft' ;
I_NESTED_SET_RIGHT  : 'nestedSetRight' ;
I_NESTED_SET_PARENT : 'nestedSetParent' ;

// scoped intrinsics: the valid ones first; any other scope:word is one UNKNOWN_INTRINSIC token
SCOPED_INTRINSIC
    : 'trace:duration' | 'trace:rootName' | 'trace:rootService' | 'trace:id'
    | 'span:duration' | 'span:name' | 'span:kind' | 'span:status' | 'span:statusMessage'
    | 'span:id' | 'span:parentID' | 'span:childCount'
    | 'event:name' | 'event:timeSinceStart'
    | 'link:traceID' | 'link:spanID'
    | 'instrumentation:name' | 'instrumentation:version'
    ;
UNKNOWN_INTRINSIC : ('trace' | 'span' | 'event' | 'link' | 'instrumentation') ':' [a-zA-Z_0-9]* ;

// functions
COUNT    : 'count' ;
AVG      : 'avg' ;
MAX      : 'max' ;
MIN      : 'min' ;
SUM      : 'sum' ;
BY       : 'by' ;
COALESCE : 'coalesce' ;
SELECT   : 'select' ;
RATE                : 'rate' ;
COUNT_OVER_TIME     : 'count_over_time' ;
MIN_OVER_TIME       : 'min_over_time' ;
MAX_OVER_TIME       : 'max_over_time' ;
AVG_OVER_TIME       : 'avg_over_time' ;
SUM_OVER_TIME       : 'sum_over_time' ;
QUANTILE_OVER_TIME  : 'quantile_over_time' ;
HISTOGRAM_OVER_TIME : 'histogram_over_time' ;
COMPARE  : 'compare' ;
TOPK     : 'topk' ;
BOTTOMK  : 'bottomk' ;
WITH     : 'with' ;

// attribute scopes switch to the attribute-name mode
ATTR_SCOPE
    : ( '.' | 'span.' | 'resource.' | 'event.' | 'link.' | 'instrumentation.'
      | 'parent.' | 'parent.span.' | 'parent.resource.' ) -> pushMode(ATTR)
    ;

// numbers. A DURATION token is anything number-like followed by unit letters; the AST builder
// checks that it really is a duration (1h30m, 1.5s, 1s500ms, 2d ...) and reports it otherwise.
DURATION : NUMBER_PART [nsu\u00B5\u03BCmhdwy] [0-9.nsu\u00B5\u03BCmhdwy]* ;
FLOAT
    : [0-9]+ '.' [0-9]* EXPONENT?
    | '.' [0-9]+ EXPONENT?
    | [0-9]+ EXPONENT
    ;
INTEGER : [0-9]+ ;

STRING     : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
RAW_STRING : '`' ~'`'* '`' ;
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '\\'? | '`' ~'`'* ;

IDENT : [\p{L}_] [\p{L}\p{Nd}_]* ;

ERRCHAR : . ;

fragment NUMBER_PART : [0-9]+ ('.' [0-9]*)? | '.' [0-9]+ ;
fragment EXPONENT    : [eE] [+-]? [0-9]+ ;

// =====================================================================================
// Lexer (attribute-name mode)
// =====================================================================================

mode ATTR;

ATTR_QUOTED : '"' ( '\\' . | ~["\\] )* '"' -> popMode ;
ATTR_NAME   : ATTR_CHAR+ -> popMode ;
ATTR_UNTERMINATED : '"' ( '\\' . | ~["\\] )* '\\'? -> popMode, type(UNTERMINATED_STRING) ;
ATTR_MISSING : . -> popMode ;

fragment ATTR_CHAR
    : ~[ \t\n\r\u000B\u000C\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000{}()=~!<>&|^,"]
    ;
