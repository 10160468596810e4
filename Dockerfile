# CodeIngest image: the silo host (REST API on port 8080) and the `codeingest` CLI in one image.
# Build stage: .NET SDK plus what src/Grains/native/build-treesitter.sh needs (node/npm to fetch the
# pinned grammar tarballs, gcc/make to compile the tree-sitter runtime and grammars into
# libcodeingest_treesitter.so). MSBuild runs the script during publish (TreeSitter.targets), so the
# build needs network access to the npm registry and NuGet.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm gcc make python3 git \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Cluster.sln ./
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app/silo \
 && dotnet publish src/Client/Client.csproj -c Release -o /app/cli \
 && test -f /app/silo/libcodeingest_treesitter.so

# Runtime stage: ASP.NET Core runtime (includes the .NET runtime the CLI needs) and git for clones.
# The native tree-sitter library needs only libc; LibGit2Sharp ships its own native library.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
RUN printf '#!/bin/sh\nexec dotnet /app/cli/codeingest.dll "$@"\n' > /usr/local/bin/codeingest && chmod +x /usr/local/bin/codeingest
WORKDIR /app/silo
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    CodeIngest__DataDirectory=/data
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "/app/silo/CodeIngest.Silo.dll"]
