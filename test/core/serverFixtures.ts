/** A server config with pool `web` (web-1, web-2 on debian-12; edge-1 on ubuntu-24.04) for acme/web-*. */
export const SERVER = `apiVersion: hostroot/v1
limits: { maxDefinitionFiles: 200 }
pools:
  web:
    repositories: [acme/web-*, acme/billing]
    sshKey: { file: /etc/hostroot/web.key }
    platforms:
      debian-12:
        hosts:
          - { name: web-1, address: 192.0.2.11, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr" }
          - { name: web-2, address: 192.0.2.12, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvPfMjPm2NPH7IJuNPF1dQyR9AYG82LpT+rzgsvJZPt" }
      ubuntu-24.04:
        hosts:
          - { name: edge-1, address: 192.0.2.21, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8vwn/mT4I6N0nnWPZYZ6WeTXfjNQPIF4sBv1oTNtOB" }
    policy:
      commands:
        deploy: { permission: maintain, teams: [acme/deployers, acme/ops] }
        upgrade-hosts: { teams: [acme/ops] }
      mounts: { allowedSources: [/srv, /data/web] }
      masks: { files: [/etc/web-secret] }
      deployKeyPath: /root/.ssh/authorized_keys
      apparmorProfile: lxc-container-default-cgns
      rollout: { canary: 1, batchSize: 4, maxFailures: 1, concurrency: 8 }
  payments:
    repositories: [acme/payments]
    sshKey: { env: HOSTROOT_PAYMENTS_KEY }
    repositoryPolicy: { rollout: fixed }
    platforms:
      debian-12:
        hosts:
          - { name: pay-1, address: 192.0.2.31, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGUEVL46j3cNe8Z/8jpjZYk4F0tG6qUBk5MNhmKBVO+9" }
`;
