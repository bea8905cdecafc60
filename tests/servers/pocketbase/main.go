// Test server for JustSync's PocketBase integration tests.
//
// This is PocketBase used as a Go framework, exactly as its README shows
// (app := pocketbase.New(); app.Start()), plus two test-only additions:
//
//   - GET /api/justsync/time -> {"now":"2006-01-02 15:04:05.000Z"}
//     (public) gives tests the server's wall clock with millisecond
//     precision; stock PocketBase only exposes it through the 1 s
//     resolution Date header.
//
//   - Auth tokens issued for records of the "shortusers" auth collection
//     (password login, auth-refresh, ...) expire after
//     $JUSTSYNC_PB_SHORT_TOKEN_SECONDS seconds (default 2). PocketBase's own
//     collection setting authToken.duration refuses values below 10 s, so
//     the token is re-signed here exactly like core.Record.NewAuthToken does
//     (same claims, same signing key), only with the shorter lifetime.
//     JWT "exp" is whole Unix seconds, so the real lifetime is 1-2 s.
//
// Built and driven by ./pb-harness; not part of the library.
package main

import (
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

func shortTokenDuration() time.Duration {
	if s := os.Getenv("JUSTSYNC_PB_SHORT_TOKEN_SECONDS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
	}
	return 2 * time.Second
}

func main() {
	app := pocketbase.New()
	shortTTL := shortTokenDuration()

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/justsync/time", func(e *core.RequestEvent) error {
			return e.JSON(http.StatusOK, map[string]string{
				"now": types.NowDateTime().String(),
			})
		})
		return se.Next()
	})

	app.OnRecordAuthRequest("shortusers").BindFunc(func(e *core.RecordAuthRequestEvent) error {
		if e.Record != nil && e.Token != "" {
			claims := jwt.MapClaims{
				core.TokenClaimType:         core.TokenTypeAuth,
				core.TokenClaimId:           e.Record.Id,
				core.TokenClaimCollectionId: e.Record.Collection().Id,
				core.TokenClaimRefreshable:  true,
			}
			key := e.Record.TokenKey() + e.Record.Collection().AuthToken.Secret
			token, err := security.NewJWT(claims, key, shortTTL)
			if err != nil {
				return err
			}
			e.Token = token
		}
		return e.Next()
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
