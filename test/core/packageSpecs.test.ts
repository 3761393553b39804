import { describe, expect, it } from "vitest";
import {
  gemSpecProblem,
  npmSpecProblem,
  packageSpecProblem,
  pipSpecProblem,
} from "../../src/core/packageSpecs.js";

describe("pip specs (PEP 508, index packages only)", () => {
  it.each([
    "flask",
    "Flask",
    "zope.interface",
    "my_pkg-2",
    "a",
    "psycopg==3.2.3",
    "requests[socks]>=2.31,<3",
    "requests [ socks , security ] >= 2.31 , < 3",
    "requests[]",
    "Django~=5.0",
    "numpy===1.26.4",
    "numpy!=1.25.*",
    "pkg (>=1.0, <2)",
    "torch==2.1.0+cpu",
    "pkg==1!2.0.post1.dev3",
    'uvicorn; python_version >= "3.8"',
    "uvicorn;python_version>='3.8'",
    'pywin32 >=1.0 ; sys_platform == "win32"',
    'pkg; python_version >= "3.8" and (os_name == "posix" or platform_system == "Darwin")',
    "pkg; 'linux' in sys_platform",
    "pkg; 'cygwin' not in sys_platform",
    'pkg; extra == "test"',
    'pkg; implementation_name == "cpython" and platform_machine != "aarch64"',
  ])("accepts %j", (spec) => {
    expect(pipSpecProblem(spec)).toBeUndefined();
  });

  it.each([
    ["", /expected a package name/],
    ["flask==", /expected a version at character 8/],
    ["flask>>1", /expected a version/],
    ["flask 1.0", /expected a version specifier/],
    ["flask[socks", /closing the extras/],
    ["flask[-x]", /extra's name/],
    ["pkg (>=1.0", /'\)'/],
    ["pkg; python_version", /marker operator/],
    ["pkg; pyton_version >= '3'", /marker variable/],
    ['pkg; python_version >= "3.8', /closing the string/],
    ["pkg; python_version >= '3' and", /marker variable/],
    ["pkg; (os_name == 'nt'", /closing the marker/],
    ["pkg @ https://example.com/pkg-1.0.tar.gz", /direct reference/],
    ["pkg@https://example.com/pkg.whl", /direct reference/],
    ["git+https://github.com/x/y.git", /URL or a path/],
    ["https://example.com/x.whl", /URL or a path/],
    ["./vendor/pkg", /URL or a path/],
    ["/srv/pkg", /URL or a path/],
    ["pkg-1.0-py3-none-any.whl", /local archive/],
    ["pkg.tar.gz", /local archive/],
    ["flask\r", /control character/],
    ["fla\0sk", /control character/],
    ["flask; python_version > '3'\n--index-url=x", /control character/],
    ["flask ; ; x", /one marker|marker variable/],
  ])("refuses %j", (spec, why) => {
    expect(pipSpecProblem(spec)).toMatch(why);
  });
});

describe("npm specs (registry packages only)", () => {
  it.each([
    "express",
    "@scope/pkg",
    "typescript@5.4.2",
    "lodash@^4.17.21",
    "left-pad@latest",
    "@types/node@20",
    "pkg@>=1.2 <2",
    "pkg@1.x || 2.x",
    "pkg@~1.2.3-beta.1",
    "JSONStream",
    "lodash.merge",
  ])("accepts %j", (spec) => {
    expect(npmSpecProblem(spec)).toBeUndefined();
  });

  it.each([
    ["git+https://github.com/x/y.git", /git, file, URL/],
    ["git://github.com/x/y", /git, file, URL/],
    ["github:user/repo", /git, file, URL/],
    ["user/repo", /git, file, URL/],
    ["file:../pkg", /git, file, URL/],
    ["./pkg", /git, file, URL/],
    ["/srv/pkg", /git, file, URL/],
    ["~/pkg", /git, file, URL/],
    ["https://registry.example/pkg.tgz", /git, file, URL/],
    ["pkg.tgz", /tarball/],
    ["alias@npm:lodash@4", /alias/],
    ["@scope", /scoped npm package name/],
    ["@scope/a/b", /scoped npm package name/],
    [".hidden", /npm package name/],
    ["_private", /npm package name/],
    ["pkg@", /after '@'/],
    ["pkg@1.0;rm", /after '@'/],
    ["pkg@ 1.0", /after '@'/],
    ["ex press", /npm package name/],
    ["pkg\n", /control character/],
    [`p${"x".repeat(214)}`, /214/],
  ])("refuses %j", (spec, why) => {
    expect(npmSpecProblem(spec)).toMatch(why);
  });
});

describe("gem specs (name with an optional :version)", () => {
  it.each([
    "rack",
    "rails:7.1.3",
    "nokogiri",
    "puma:6.4.2",
    "net-http",
    "a_b.c",
    "pg:1.0.0.rc1",
    "x:2.0.0-beta.2",
  ])("accepts %j", (spec) => {
    expect(gemSpecProblem(spec)).toBeUndefined();
  });

  it.each([
    ["", /not a gem name/],
    ["123", /at least one letter/],
    ["rails:", /after ':'/],
    ["rails:>= 7", /after ':'/],
    ["rails:7.1.3:x", /after ':'/],
    ["./local.gem", /not a gem name/],
    ["local.gem", /\.gem file/],
    ["ra ils", /not a gem name/],
    ["rails\r", /control character/],
  ])("refuses %j", (spec, why) => {
    expect(gemSpecProblem(spec)).toMatch(why);
  });
});

describe("packageSpecProblem", () => {
  it.each([
    ["pip", "-e"],
    ["pip", "--index-url=https://attacker.example/simple"],
    ["pip", "-rrequirements.txt"],
    ["npm", "--registry=https://attacker.example"],
    ["npm", "-g"],
    ["gem", "--source=https://attacker.example"],
    ["gem", "-i/etc"],
  ] as const)("refuses a %s spec that an installer reads as an option: %j", (kind, spec) => {
    expect(packageSpecProblem(kind, spec)).toEqual({
      rule: "packages/option-like",
      message: expect.stringMatching(/starts with '-'.*read it as an option/),
    });
  });

  it("names the installer's rule for a grammar problem and escapes control characters", () => {
    expect(packageSpecProblem("pip", "fla\rsk")).toEqual({
      rule: "packages/pip-spec",
      message: "pip spec 'fla\\u000dsk' contains a control character",
    });
    expect(packageSpecProblem("npm", "a/b")?.rule).toBe("packages/npm-spec");
    expect(packageSpecProblem("gem", "a:b")?.rule).toBe("packages/gem-spec");
    expect(packageSpecProblem("gem", "rack")).toBeUndefined();
  });
});
