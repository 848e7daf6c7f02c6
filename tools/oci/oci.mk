# OCI images and WasmPlugin manifests for the shipped plugins; guide in tools/oci/README.md.
# Included by the top Makefile, which provides `install` and `build`.
#
#   make image                                   build/oci/<plugin>/ (OCI layouts: "higress" + "istio" images)
#   make push REGISTRY=host[:port]/ns [TAG=t]    push every image (<tag> and <tag>-istio; default tag = version)
#   make manifests [REGISTRY=host/ns] [TAG=t]    deploy/{higress,istio}/<plugin>.yaml, and with REGISTRY
#                                                also build/deploy/ pointing at that registry
# Optional: OCI_SOURCE=<repo url>, OCI_REVISION=<commit> (default: git remote origin and HEAD),
# SOURCE_DATE_EPOCH=<seconds> (tar mtime and created date; default none, mtime 0).

OCI_CLI := npx tsx tools/oci/cli.ts
REGISTRY ?=
TAG ?=
OCI_SOURCE ?=
OCI_REVISION ?=

.PHONY: image push manifests

image: build manifests
	$(OCI_CLI) image $(if $(OCI_SOURCE),--source '$(OCI_SOURCE)') $(if $(OCI_REVISION),--revision '$(OCI_REVISION)')

# Checked before anything is built.
ifneq ($(filter push,$(MAKECMDGOALS)),)
ifeq ($(strip $(REGISTRY)),)
$(error usage: make push REGISTRY=host[:port]/namespace [TAG=tag])
endif
endif

push: image
	$(OCI_CLI) push --registry '$(REGISTRY)' $(if $(TAG),--tag '$(TAG)')

# deploy/ (checked in) always names each plugin's own version; TAG only applies to build/deploy/.
manifests: install
	$(OCI_CLI) manifests
	$(if $(REGISTRY),$(OCI_CLI) manifests --registry '$(REGISTRY)' --out build/deploy $(if $(TAG),--tag '$(TAG)'))
