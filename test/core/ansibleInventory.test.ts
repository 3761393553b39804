import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ansibleGroupName, ansibleInventory, knownHostsFile } from "../../src/core/ansibleInventory.js";
import { configSchema } from "../../src/core/configSchema.js";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests";
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: {
    platforms: {
      "debian-12": {
        hosts: [
          { name: "web-1", address: "192.0.2.1", hostKey: `${key} root@web-1`, labels: { zone: "a" } },
          {
            name: "web-2",
            address: "192.0.2.2",
            port: 2222,
            user: "ops",
            hostKey: key,
            labels: { zone: "b" },
          },
        ],
      },
      "ubuntu-24.04": { hosts: [{ name: "db-1", address: "db-1.example", hostKey: key }] },
    },
  },
});

describe("ansibleInventory", () => {
  it("groups hosts by platform and label, with connection and hostroot variables", () => {
    const inv = parse(
      ansibleInventory(config, {
        knownHostsPath: "/etc/hostroot/known hosts",
        privateKeyPath: "/k",
        containers: new Map([["web-1", [{ name: "billing-api", state: "running", owner: "acme/billing" }]]]),
      }),
    );
    expect(inv.all.vars).toEqual({
      ansible_ssh_common_args:
        "-o UserKnownHostsFile='/etc/hostroot/known hosts' -o StrictHostKeyChecking=yes",
      ansible_ssh_private_key_file: "/k",
    });
    expect(inv.all.hosts["web-2"]).toEqual({
      ansible_host: "192.0.2.2",
      ansible_port: 2222,
      ansible_user: "ops",
      hostroot_platform: "debian-12",
      hostroot_lxc_path: "/var/lib/lxc",
      hostroot_labels: { zone: "b" },
    });
    expect(inv.all.hosts["web-1"].hostroot_containers).toEqual([
      { name: "billing-api", state: "running", owner: "acme/billing" },
    ]);
    expect(Object.keys(inv.all.children)).toEqual([
      "label_zone_a",
      "label_zone_b",
      "platform_debian_12",
      "platform_ubuntu_24_04",
    ]);
    expect(Object.keys(inv.all.children.platform_debian_12.hosts)).toEqual(["web-1", "web-2"]);
    expect(ansibleGroupName("label", "team.x", "a b")).toBe("label_team_x_a_b");
  });

  it("known_hosts pins each key by address, with the port when it is not 22", () => {
    expect(knownHostsFile(config)).toBe(`192.0.2.1 ${key}\n[192.0.2.2]:2222 ${key}\ndb-1.example ${key}\n`);
  });

  it("refuses an address that would break known_hosts or match other hosts", () => {
    const bad = configSchema.parse({
      apiVersion: "hostroot/v1",
      pool: { platforms: { "debian-12": { hosts: [{ name: "h", address: "*,evil host", hostKey: key }] } } },
    });
    expect(() => knownHostsFile(bad)).toThrow(/not a host name or IP address/);
  });
});
