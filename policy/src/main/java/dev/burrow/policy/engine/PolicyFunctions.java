package dev.burrow.policy.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionResolver;
import dev.cel.runtime.CelLateFunctionBindings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The helper functions of ngrok's Traffic Policy that Burrow offers, declared once (types checked at compile time)
 * and bound at run time. The CIDR helpers are pure; the header, query and cookie helpers read the exchange they run in,
 * so they are bound per exchange.
 */
final class PolicyFunctions {
    private static final int CIDR_CACHE_LIMIT = 4096;
    private static final Map<String, CidrRange> CIDRS = new ConcurrentHashMap<>();
    private static final java.util.Set<String> EXCHANGE_OVERLOADS = java.util.Set.of("getReqHeader_string",
            "hasReqHeader_string", "getQueryParam_string", "hasQueryParam_string", "getReqCookie_string",
            "hasReqCookie_string", "getResHeader_string", "hasResHeader_string");

    private PolicyFunctions() {
    }

    static List<CelFunctionDecl> declarations(Phase phase) {
        List<CelFunctionDecl> declarations = new ArrayList<>(List.of(
                global("inCidrRange", "inCidrRange_string_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING),
                global("inCidrRanges", "inCidrRanges_string_list", SimpleType.BOOL, SimpleType.STRING,
                        ListType.create(SimpleType.STRING))));
        if (phase != Phase.CONNECT) {
            declarations.add(global("getReqHeader", "getReqHeader_string", PolicyVariables.STRINGS, SimpleType.STRING));
            declarations.add(global("hasReqHeader", "hasReqHeader_string", SimpleType.BOOL, SimpleType.STRING));
            declarations.add(global("getQueryParam", "getQueryParam_string", PolicyVariables.STRINGS, SimpleType.STRING));
            declarations.add(global("hasQueryParam", "hasQueryParam_string", SimpleType.BOOL, SimpleType.STRING));
            declarations.add(global("getReqCookie", "getReqCookie_string", SimpleType.STRING, SimpleType.STRING));
            declarations.add(global("hasReqCookie", "hasReqCookie_string", SimpleType.BOOL, SimpleType.STRING));
        }
        if (phase == Phase.RESPONSE) {
            declarations.add(global("getResHeader", "getResHeader_string", PolicyVariables.STRINGS, SimpleType.STRING));
            declarations.add(global("hasResHeader", "hasResHeader_string", SimpleType.BOOL, SimpleType.STRING));
        }
        return declarations;
    }

    /** Whether an expression calls a helper that reads the exchange (those are bound per exchange, at a cost). */
    static boolean callsExchangeFunction(CelAbstractSyntaxTree ast) {
        return ast.getReferenceMap().values().stream()
                .flatMap(reference -> reference.overloadIds().stream())
                .anyMatch(EXCHANGE_OVERLOADS::contains);
    }

    static List<CelFunctionBinding> pureBindings() {
        return List.of(
                CelFunctionBinding.from("inCidrRange_string_string", String.class, String.class, PolicyFunctions::inCidrRange),
                CelFunctionBinding.from("inCidrRanges_string_list", String.class, List.class, PolicyFunctions::inCidrRanges));
    }

    static CelFunctionResolver bindTo(EvaluationContext context) {
        return CelLateFunctionBindings.from(
                CelFunctionBinding.from("getReqHeader_string", String.class,
                        name -> RequestViews.headerValues(context.request().headers(), name)),
                CelFunctionBinding.from("hasReqHeader_string", String.class,
                        name -> context.request().header(name) != null),
                CelFunctionBinding.from("getQueryParam_string", String.class,
                        name -> RequestViews.queryParams(context.request().query()).getOrDefault(name, List.of())),
                CelFunctionBinding.from("hasQueryParam_string", String.class,
                        name -> RequestViews.queryParams(context.request().query()).containsKey(name)),
                CelFunctionBinding.from("getReqCookie_string", String.class, name -> cookie(context, name)),
                CelFunctionBinding.from("hasReqCookie_string", String.class,
                        name -> RequestViews.cookies(context.request().headers()).containsKey(name)),
                CelFunctionBinding.from("getResHeader_string", String.class,
                        name -> RequestViews.headerValues(context.response().headers(), name)),
                CelFunctionBinding.from("hasResHeader_string", String.class,
                        name -> context.response().header(name) != null));
    }

    static boolean inCidrRange(String ip, String cidr) {
        CidrRange range = range(cidr);
        return range.contains(IpAddresses.parse(ip));
    }

    @SuppressWarnings("rawtypes")
    static boolean inCidrRanges(String ip, List cidrs) {
        byte[] address = IpAddresses.parse(ip);
        for (Object cidr : cidrs) {
            if (range(String.valueOf(cidr)).contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static CidrRange range(String cidr) {
        CidrRange cached = CIDRS.get(cidr);
        if (cached != null) {
            return cached;
        }
        CidrRange parsed = CidrRange.parse(cidr);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not an address range such as 10.0.0.0/8");
        }
        if (CIDRS.size() < CIDR_CACHE_LIMIT) {
            CIDRS.put(cidr, parsed);
        }
        return parsed;
    }

    private static String cookie(EvaluationContext context, String name) {
        List<Map<String, String>> cookies = RequestViews.cookies(context.request().headers()).get(name);
        return cookies == null ? "" : cookies.get(0).get("value");
    }

    private static CelFunctionDecl global(String name, String overload, dev.cel.common.types.CelType result,
                                          dev.cel.common.types.CelType... parameters) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newGlobalOverload(overload, result, parameters));
    }
}
