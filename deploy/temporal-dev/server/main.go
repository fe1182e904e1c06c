// Command sendout-temporal runs a single-process Temporal server with SQLite persistence and the
// Temporal Web UI, at exactly the versions docker-compose.yml pins (go.mod says which). It exists
// so that the project can test against those versions without Docker: the official CLI that
// bundles them cannot be `go install`ed (see docs/temporal-dev.md).
//
// It follows the shape of the Temporal CLI's `server start-dev` (internal/devserver in
// github.com/temporalio/cli): every service in one process, one history shard, SQLite for both
// persistence and visibility, and the UI server beside it. deploy/temporal-dev/temporal-dev.sh
// builds and starts it when SENDOUT_TEMPORAL=pinned.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// clusterName is the name of the single cluster; it is stored in the database, so it never changes.
const clusterName = "active"

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	dbFile           string
	ip               string
	port             int
	httpPort         int
	uiIP             string
	uiPort           int
	headless         bool
	logLevel         string
	namespaces       listFlag
	searchAttributes listFlag
}

func main() {
	var o options
	flag.StringVar(&o.dbFile, "db-filename", "", "SQLite database file (created with its schema when absent); required")
	flag.StringVar(&o.ip, "ip", "127.0.0.1", "address of the gRPC frontend")
	flag.IntVar(&o.port, "port", 7233, "port of the gRPC frontend")
	flag.IntVar(&o.httpPort, "http-port", 0, "port of the frontend's HTTP API (0: any free port)")
	flag.StringVar(&o.uiIP, "ui-ip", "", "address of the Web UI (default: --ip)")
	flag.IntVar(&o.uiPort, "ui-port", 0, "port of the Web UI (default: --port + 1000)")
	flag.BoolVar(&o.headless, "headless", false, "run without the Web UI")
	flag.StringVar(&o.logLevel, "log-level", "warn", "debug, info, warn or error")
	flag.Var(&o.namespaces, "namespace", "a namespace to create besides \"default\" (repeatable)")
	flag.Var(&o.searchAttributes, "search-attribute", "Name=Type, added to the namespaces this run creates (repeatable)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "sendout-temporal:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.dbFile == "" {
		return fmt.Errorf("--db-filename is required: this server keeps its state in a file")
	}
	if o.uiIP == "" {
		o.uiIP = o.ip
	}
	if o.uiPort == 0 {
		o.uiPort = o.port + 1000
	}
	attrs, err := parseSearchAttributes(o.searchAttributes)
	if err != nil {
		return err
	}
	if o.httpPort == 0 {
		if o.httpPort, err = freePort(o.ip); err != nil {
			return err
		}
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Level: o.logLevel, Format: "json"}))

	sqlConf, err := sqlConfig(o.dbFile, append([]string{"default"}, o.namespaces...), attrs)
	if err != nil {
		return err
	}
	conf, err := serverConfig(o, sqlConf)
	if err != nil {
		return err
	}
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return fmt.Errorf("authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return fmt.Errorf("claim mapper: %w", err)
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range map[primitives.ServiceName]string{
		primitives.FrontendService: "frontend",
		primitives.HistoryService:  "history",
		primitives.MatchingService: "matching",
		primitives.WorkerService:   "worker",
	} {
		hosts[name] = static.SingleLocalHost(net.JoinHostPort(o.ip, strconv.Itoa(conf.Services[svc].RPC.GRPCPort)))
	}
	server, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return fmt.Errorf("building the server: %w", err)
	}

	var ui *uiserver.Server
	uiErr := make(chan error, 1)
	if !o.headless {
		ui = uiserver.NewServer(uiserveroptions.WithConfigProvider(&uiconfig.Config{
			Host:                o.uiIP,
			Port:                o.uiPort,
			TemporalGRPCAddress: net.JoinHostPort(o.ip, strconv.Itoa(o.port)),
			EnableUI:            true,
			CORS:                uiconfig.CORS{CookieInsecure: true},
			HideLogs:            true,
		}))
		// Start blocks while the UI serves.
		go func() { uiErr <- ui.Start() }()
	}
	if err := server.Start(); err != nil {
		if ui != nil {
			ui.Stop()
		}
		return fmt.Errorf("starting the server: %w", err)
	}
	fmt.Printf("Server:  %s\n", net.JoinHostPort(o.ip, strconv.Itoa(o.port)))
	if ui != nil {
		fmt.Printf("UI:      http://%s\n", net.JoinHostPort(o.uiIP, strconv.Itoa(o.uiPort)))
	}
	fmt.Printf("DB:      %s\n", o.dbFile)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case s := <-signals:
		fmt.Printf("Stopping on %v\n", s)
	case err := <-uiErr:
		fmt.Fprintln(os.Stderr, "sendout-temporal: the UI server stopped:", err)
	}
	if ui != nil {
		ui.Stop()
	}
	return server.Stop()
}

func parseSearchAttributes(pairs []string) (map[string]enumspb.IndexedValueType, error) {
	attrs := make(map[string]enumspb.IndexedValueType, len(pairs))
	for _, pair := range pairs {
		name, typeName, ok := strings.Cut(pair, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("search attribute %q is not Name=Type", pair)
		}
		var valueType enumspb.IndexedValueType
		for shorthand, value := range enumspb.IndexedValueType_shorthandValue {
			if strings.EqualFold(shorthand, typeName) {
				valueType = enumspb.IndexedValueType(value)
			}
		}
		if valueType == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED {
			return nil, fmt.Errorf("search attribute %s: unknown type %q", name, typeName)
		}
		attrs[name] = valueType
	}
	return attrs, nil
}

// sqlConfig creates the schema when the file does not exist yet, and the namespaces that it lacks
// (an existing namespace is kept as it is, with its search attributes).
func sqlConfig(dbFile string, namespaces []string, attrs map[string]enumspb.IndexedValueType) (*config.SQL, error) {
	conf := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      dbFile,
		ConnectAttributes: map[string]string{"mode": "rwc"},
	}
	if _, err := os.Stat(dbFile); os.IsNotExist(err) {
		if _, err := os.Stat(filepath.Dir(dbFile)); err != nil {
			return nil, fmt.Errorf("directory of the database file: %w", err)
		}
		if err := sqliteschema.SetupSchema(conf); err != nil {
			return nil, fmt.Errorf("creating the schema in %s: %w", dbFile, err)
		}
	}
	configs := make([]*sqliteschema.NamespaceConfig, 0, len(namespaces))
	for _, ns := range namespaces {
		c, err := sqliteschema.NewNamespaceConfig(clusterName, ns, false, attrs)
		if err != nil {
			return nil, fmt.Errorf("namespace %s: %w", ns, err)
		}
		configs = append(configs, c)
	}
	if err := sqliteschema.CreateNamespaces(conf, configs...); err != nil {
		return nil, fmt.Errorf("creating namespaces: %w", err)
	}
	return conf, nil
}

func serverConfig(o options, sqlConf *config.SQL) (*config.Config, error) {
	frontend := net.JoinHostPort(o.ip, strconv.Itoa(o.port))
	conf := &config.Config{}
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = o.ip
	conf.Persistence.DefaultStore = "sqlite"
	conf.Persistence.VisibilityStore = "sqlite"
	// Fixed when the database is created: one shard, like start-dev.
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlConf}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            net.JoinHostPort(o.ip, strconv.Itoa(o.httpPort)),
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{}
	for _, svc := range []string{"frontend", "history", "matching", "worker"} {
		var s config.Service
		s.RPC.BindOnIP = o.ip
		if svc == "frontend" {
			s.RPC.GRPCPort = o.port
			s.RPC.HTTPPort = o.httpPort
		} else {
			port, err := freePort(o.ip)
			if err != nil {
				return nil, err
			}
			s.RPC.GRPCPort = port
		}
		conf.Services[svc] = s
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return conf, nil
}

// dynamicConfig is start-dev's: search attributes visible as soon as they are created (the worker
// registers them seconds before the first workflow sets them), with persistence QPS raised to pay
// for the cache it bypasses.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():      true,
		dynamicconfig.FrontendPersistenceMaxQPS.Key():                    10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():                     45000,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8096,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
	}
}

func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("finding a free port on %s: %w", ip, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
